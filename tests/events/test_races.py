"""Races on registration are settled by a lock on the session row."""

import pytest
from django.contrib.contenttypes.models import ContentType

from civitas.accounts.models import User
from events import services
from events.models import EventSession, Registration, RegistrationStatus
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


def test_two_people_taking_the_last_place_at_once(make_event):
    event = make_event(sessions=((3, 2, 2),))
    session = event.sessions.get()
    services.registration_create(session=session, user=UserFactory())  # one place left
    people = [UserFactory(), UserFactory()]

    def take(person):
        def prepare():
            user = User.objects.get(pk=person.pk)
            target = EventSession.objects.get(pk=session.pk)
            return lambda: services.registration_create(session=target, user=user).status

        return prepare

    results, errors = run_together([take(p) for p in people])
    assert errors == []
    assert sorted(results) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_ten_people_for_three_places(make_event):
    session = make_event(sessions=((3, 2, 3),)).sessions.get()
    people = [UserFactory() for _i in range(10)]

    def take(person):
        def prepare():
            user = User.objects.get(pk=person.pk)
            target = EventSession.objects.get(pk=session.pk)
            return lambda: services.registration_create(session=target, user=user).status

        return prepare

    results, errors = run_together([take(p) for p in people])
    assert errors == []
    assert results.count(RegistrationStatus.CONFIRMED) == 3
    assert results.count(RegistrationStatus.WAITLISTED) == 7
