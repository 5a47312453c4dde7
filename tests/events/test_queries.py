"""Listing and event pages read the database a fixed number of times, whatever the size."""

import pytest

from events import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fill(make_event, count, venues):
    for number in range(count):
        event = make_event(title=f"Event {number}", venue=venues[number % len(venues)])
        for session in event.sessions.all():
            services.registration_create(session=session, user=UserFactory())


@pytest.mark.parametrize("count", [2, 12])
def test_listing_queries_do_not_grow_with_events(
    client, index, make_event, venue, count, django_assert_max_num_queries
):
    from events.models import Venue

    other = Venue.objects.create(name="Hall", kind="other", address="1 Road")
    fill(make_event, count, [venue, other])
    client.get(index.url)  # warm Wagtail's site cache
    with django_assert_max_num_queries(14):
        response = client.get(index.url, {"access": ["step_free_access"]})
    assert response.status_code == 200


@pytest.mark.parametrize("sessions", [1, 8])
def test_event_page_queries_do_not_grow_with_sessions(
    client, make_event, sessions, django_assert_max_num_queries
):
    event = make_event(sessions=[(day + 1, 2, 5) for day in range(sessions)])
    person = UserFactory()
    for session in event.sessions.all():
        services.registration_create(session=session, user=person)
    client.force_login(person)
    client.get(event.url)
    with django_assert_max_num_queries(25):
        assert client.get(event.url).status_code == 200


@pytest.mark.parametrize("inputs", [2, 15])
def test_report_queries_do_not_grow_with_inputs(
    client, make_event, challenge, facilitator_of, inputs, django_assert_max_num_queries
):
    event = make_event(sessions=((-2, 2, 10),))
    facilitator = facilitator_of(event)
    for number in range(inputs):
        services.input_log(
            event=event,
            by=facilitator,
            kind="idea" if number % 2 else "note",
            title=f"Idea {number}",
            text="Text",
            data={"challenge": challenge},
        )
    client.get(f"{event.url}report/")
    with django_assert_max_num_queries(16):
        assert client.get(f"{event.url}report/").status_code == 200
