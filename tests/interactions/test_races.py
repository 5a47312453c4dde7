"""Concurrency is the database's job: unique constraints settle races between requests."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from civitas.accounts.models import User
from civitas.core.errors import Conflict
from civitas.interactions import services
from civitas.interactions.models import Flag, Follow, Support
from tests.concurrency import run_together
from tests.dummy_process.models import Note
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """An earlier transactional test may have flushed the database without recreating content
    types; the cache would still hand out the ids of rows that are gone."""
    ContentType.objects.clear_cache()


def as_person(user_pk, note_pk, service, **kwargs):
    """A call that loads its own copies of the person and the note, then runs `service`."""

    def prepare():
        user = User.objects.get(pk=user_pk)
        note = Note.objects.get(pk=note_pk)
        return lambda: service(target=note, user=user, **kwargs)

    return prepare


def test_fifty_supports_by_one_person_leave_one_row(note, resident):
    results, errors = run_together(
        [as_person(resident.pk, note.pk, services.support_add) for _i in range(50)]
    )
    assert errors == []
    assert results == [1] * 50
    assert Support.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="interactions.support.added").count() == 1


def test_concurrent_supports_by_different_people_are_all_counted(note):
    people = [UserFactory() for _i in range(30)]
    results, errors = run_together(
        [as_person(person.pk, note.pk, services.support_add) for person in people]
    )
    assert errors == []
    assert Support.objects.count() == 30
    # Each caller sees the count as of its own transaction (under PostgreSQL's read committed,
    # concurrent supports may not be visible yet); the stored total is what must be exact.
    assert all(1 <= result <= 30 for result in results)


def test_concurrent_follows_by_one_person_leave_one_row(note, resident):
    results, errors = run_together(
        [as_person(resident.pk, note.pk, services.follow) for _i in range(20)]
    )
    assert errors == []
    assert Follow.objects.count() == 1
    assert {row.pk for row in results} == {Follow.objects.get().pk}


def test_concurrent_reports_by_one_person_leave_one_open_flag(note, resident):
    def flag(target, user):
        return services.flag_create(target=target, reporter=user, reason="spam")

    results, errors = run_together([as_person(resident.pk, note.pk, flag) for _i in range(20)])
    assert len(results) == 1
    assert len(errors) == 19 and all(isinstance(exc, Conflict) for exc in errors)
    assert Flag.objects.open().count() == 1
