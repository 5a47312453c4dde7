"""Registration: places, waiting list, promotion with notification, cancellation, reminders,
adjustments seen by organisers."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.core.errors import Conflict, DomainError
from civitas.notifications.models import Notification
from events import services
from events.models import Registration, RegistrationStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_event(make_event):
    return make_event(title="Small workshop", sessions=((3, 2, 1),))


def test_first_person_confirmed_next_waitlisted(small_event):
    session = small_event.sessions.get()
    first = services.registration_create(session=session, user=UserFactory())
    second = services.registration_create(session=session, user=UserFactory())
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITLISTED


def test_no_limit_confirms_everyone(make_event):
    session = make_event(sessions=((3, 2, None),)).sessions.get()
    for _i in range(3):
        assert services.registration_create(session=session, user=UserFactory()).status == (
            RegistrationStatus.CONFIRMED
        )


def test_cancelling_promotes_the_first_waiting_and_tells_them(
    small_event, django_capture_on_commit_callbacks
):
    session = small_event.sessions.get()
    holder, first_waiting, second_waiting = UserFactory(), UserFactory(), UserFactory()
    taken = services.registration_create(session=session, user=holder)
    services.registration_create(session=session, user=first_waiting)
    services.registration_create(session=session, user=second_waiting)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=taken, by=holder)
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {
        holder.pk: RegistrationStatus.CANCELLED,
        first_waiting.pk: RegistrationStatus.CONFIRMED,
        second_waiting.pk: RegistrationStatus.WAITLISTED,
    }
    note = Notification.objects.get(recipient=first_waiting)
    assert note.kind == "events.place_confirmed"
    assert "Small workshop" in note.title
    assert not Notification.objects.filter(recipient=second_waiting).exists()
    assert ModelLogEntry.objects.filter(action="events.registration.promoted").count() == 1


def test_cancelling_a_waiting_place_promotes_nobody(small_event):
    session = small_event.sessions.get()
    services.registration_create(session=session, user=UserFactory())
    waiting = services.registration_create(session=session, user=UserFactory())
    services.registration_cancel(registration=waiting, by=waiting.user)
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 1
    assert Notification.objects.count() == 0


def test_registering_twice_is_refused_and_cancelled_people_may_come_back(session, resident):
    registration = services.registration_create(session=session, user=resident)
    with pytest.raises(Conflict):
        services.registration_create(session=session, user=resident)
    services.registration_cancel(registration=registration, by=resident)
    with pytest.raises(Conflict):
        services.registration_cancel(registration=registration, by=resident)
    again = services.registration_create(session=session, user=resident)
    assert again.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"interpretation_language": "xx"}, "interpretation_language"),
        ({"childcare_children": 11}, "childcare_children"),
        ({"childcare_children": "many"}, "childcare_children"),
        ({"other_needs": "x" * 501}, "other_needs"),
        ({"other_needs": "bell\x07"}, "other_needs"),
    ],
)
def test_bad_adjustments_are_refused_and_nothing_saved(session, resident, data, code):
    with pytest.raises(DomainError) as caught:
        services.registration_create(session=session, user=resident, data=data)
    assert caught.value.code == code
    assert not Registration.objects.exists()


def test_register_through_the_page_with_an_interpretation_request(client, event, session, resident):
    client.force_login(resident)
    url = f"{event.url}register/{session.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"interpretation_language": "ar", "childcare_children": "2", "step_free_seating": "on"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.interpretation_language, registration.childcare_children) == ("ar", 2)
    assert registration.step_free_seating
    page = client.get(event.url).content.decode()
    assert "Confirmed" in page


def test_bad_registration_form_says_what_is_wrong(client, event, session, resident):
    client.force_login(resident)
    response = client.post(f"{event.url}register/{session.pk}/", {"childcare_children": "50"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Registration.objects.exists()


def test_visitors_are_sent_to_sign_in_and_unverified_people_refused(client, event, session):
    url = f"{event.url}register/{session.pk}/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(verified=False))
    assert client.post(url, {}).status_code == 403
    assert not Registration.objects.exists()


def test_sessions_that_started_take_no_registrations(client, make_event, resident):
    started = make_event(sessions=((-0.01, 2, 10),))
    client.force_login(resident)
    session = started.sessions.get()
    assert client.post(f"{started.url}register/{session.pk}/", {}).status_code == 403


def test_people_cancel_only_their_own_registration(client, session, event, resident):
    registration = services.registration_create(session=session, user=resident)
    url = f"{event.url}registration/{registration.pk}/cancel/"
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    client.force_login(resident)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_online_link_only_for_registered_people(client, make_event, resident):
    hybrid = make_event(mode="hybrid", online_link="https://meet.example.org/secret-room")
    client.force_login(resident)
    assert "secret-room" not in client.get(hybrid.url).content.decode()
    services.registration_create(session=hybrid.sessions.get(), user=resident)
    assert "secret-room" in client.get(hybrid.url).content.decode()


def test_organisers_see_adjustments_in_aggregate_and_per_person(
    client, event, session, facilitator_of
):
    services.registration_create(
        session=session,
        user=UserFactory(display_name="Amal"),
        data={"interpretation_language": "ar", "childcare_children": 2},
    )
    services.registration_create(
        session=session,
        user=UserFactory(display_name="Bo"),
        data={"interpretation_language": "ar", "step_free_seating": True},
    )
    url = f"{event.url}registrations/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(facilitator_of(event))
    page = client.get(url).content.decode()
    assert "Interpretation into Arabic: 2" in page
    assert "Childcare: 2 children from 1 families" in page
    assert "Step-free seating: 1" in page
    assert "Amal" in page and "Bo" in page
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_reminders_go_once_to_confirmed_people_when_the_session_is_near(small_event):
    session = small_event.sessions.get()  # starts in 3 days
    confirmed = services.registration_create(session=session, user=UserFactory())
    services.registration_create(session=session, user=UserFactory())  # waiting list
    now = timezone.now()
    assert services.reminders_send(at=now) == 0
    later = now + dt.timedelta(days=2, hours=12)
    assert services.reminders_send(at=later) == 1
    assert services.reminders_send(at=later + dt.timedelta(hours=1)) == 0
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (confirmed.user_id, "events.reminder")
    ]
    after_start = now + dt.timedelta(days=4)
    assert services.reminders_send(at=after_start) == 0


def test_reminder_command_for_a_scheduler(make_event, capsys):
    soon = make_event(sessions=((0.5, 2, 10),))
    services.registration_create(session=soon.sessions.get(), user=UserFactory())
    call_command("event_reminders", "--hours", "24")
    assert "Reminders sent: 1" in capsys.readouterr().out
    call_command("event_reminders")
    assert "Reminders sent: 0" in capsys.readouterr().out
