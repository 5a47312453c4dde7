"""The events API: a filtered list and one event with sessions and venue, no personal data."""

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"


def test_the_list_is_ordered_by_first_session_and_filtered(make_event, school, venue):
    later = make_event(title="Later workshop", sessions=((9, 2, 10),))
    sooner = make_event(title="Sooner meeting", sessions=((2, 2, None),), kind="public_meeting")
    at_school = make_event(
        title="School session", sessions=((5, 2, 30),), venue=school, languages="en, fr"
    )
    make_event(title="Past one", sessions=((-5, 2, 10),))
    client = Client()
    body = client.get(URL).json()
    assert [e["title"] for e in body["results"]] == [
        "Sooner meeting",
        "School session",
        "Later workshop",
    ]
    assert body["count"] == 3
    assert client.get(URL, {"past": True}).json()["results"][0]["title"] == "Past one"

    def ids(**query):
        response = client.get(URL, query)
        assert response.status_code == 200, response.content
        return {e["id"] for e in response.json()["results"]}

    assert ids(district=school.district_id) == {at_school.pk}
    assert ids(kind="public_meeting") == {sooner.pk}
    assert ids(access=["step_free_access", "hearing_loop"]) == {sooner.pk, later.pk}
    assert ids(access="childcare") == {at_school.pk}
    assert ids(language="fr") == {sooner.pk, later.pk, at_school.pk}  # the library interprets
    assert ids(language="es") == set()
    # The filter counts days in the site's time zone, as the session's own day there.
    day = timezone.localdate(at_school.sessions.get().starts_at)
    assert ids(date_from=day.isoformat(), date_to=day.isoformat()) == {at_school.pk}
    page = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert (page["pages"], [e["id"] for e in page["results"]]) == (2, [later.pk])
    venue_out = body["results"][1]["venue"]
    assert venue_out["accessibility"] == ["childcare"]
    assert venue_out["district"] == {"id": school.district_id, "name": "Old Town"}


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "party"},
        {"access": "moat"},
        {"date_from": "2026-02-30"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"page": 0},
        {"page_size": 1000},
        {"district": "north"},
        {"page": 99},
    ],
)
def test_bad_filters_are_refused_with_a_4xx(client, event, query):
    response = client.get(URL, query)
    assert 400 <= response.status_code < 500, response.content


def test_the_detail_has_sessions_with_places_left_and_no_personal_data(client, make_event):
    event = make_event(sessions=((3, 2, 2), (10, 2, None)))
    full, open_ended = event.session_list()
    people = [UserFactory(email=f"p{n}@example.org", display_name=f"Person {n}") for n in range(3)]
    for person in people:
        services.registration_create(
            session=full, user=person, data={"interpretation_language": "fr"}
        )
    response = client.get(f"{URL}{event.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [(s["capacity"], s["places_left"], s["waiting_list"]) for s in body["sessions"]] == [
        (2, 0, 1),
        (None, None, 0),
    ]
    assert body["venue"]["name"] == "Riverside Library"
    assert body["venue"]["interpretation_languages"] == ["fr", "ar"]
    assert body["calendar_url"].endswith(f"{event.url}ics/")
    text = response.content.decode()
    assert "example.org" not in text and "Person" not in text


def test_unpublished_or_unknown_events_are_not_found(client, event):
    event.unpublish()
    assert client.get(f"{URL}{event.pk}").status_code == 404
    assert client.get(f"{URL}999999").status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/events/" in schema["paths"]
    assert "/api/v1/events/{event_id}" in schema["paths"]
    assert "places_left" in str(schema["components"])


@pytest.mark.parametrize("count", [2, 8])
def test_the_list_and_detail_take_a_fixed_number_of_queries(
    client, make_event, school, venue, count, django_assert_max_num_queries
):
    for number in range(count):
        make_event(
            title=f"Event {number}",
            sessions=((number + 1, 2, 10), (number + 2, 2, 10)),
            venue=school if number % 2 else venue,
        )
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"page_size": 100}).json()["count"] == count
    last = make_event(title="Last", sessions=tuple((n + 1, 1, 5) for n in range(count)))
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{URL}{last.pk}").json()["sessions"]) == count
