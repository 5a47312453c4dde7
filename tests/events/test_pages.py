"""Public pages: listing with filters, calendars, the home section, report, privacy."""

import datetime as dt
import uuid

import pytest
from icalendar import Calendar

from civitas.accounts.services import account_delete
from civitas.core.privacy import export_personal_data
from civitas.home.models import HomePage
from events import services
from events.models import EventKind, Registration
from ideas.services import idea_status_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(make_event, school):
    return {
        "library": make_event(title="Library workshop", languages="en, fr"),
        "school": make_event(
            title="School meeting",
            venue=school,
            kind=EventKind.PUBLIC_MEETING,
            sessions=((20, 2, 50),),
        ),
        "past": make_event(title="Past workshop", sessions=((-10, 2, 20),)),
    }


def titles(response):
    return [e.title for e in response.context["events"]]


def test_listing_shows_upcoming_events_grouped_by_venue(client, index, listing):
    response = client.get(index.url)
    assert response.status_code == 200
    assert titles(response) == ["Library workshop", "School meeting"]
    page = response.content.decode()
    assert 'id="venue-' in page and "Riverside Library" in page and "Old Town School" in page


def test_the_listing_map_uses_tiles_when_a_tile_server_is_set(client, index, listing, settings):
    settings.CIVITAS_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(index.url).content.decode()
    assert "data-civitas-map" in page and "civitas/map.js" in page
    assert "tiles.example.org" in page
    assert "events/js/map.js" not in page  # the schematic map is not needed then
    venue = listing["library"].venue
    assert f'"url": "#venue-{venue.pk}"' in page and '"title": "Riverside Library"' in page
    event = client.get(listing["library"].url).content.decode()
    assert "data-civitas-map" in event and "Map of the venue" in event


def test_without_tiles_the_listing_draws_its_schematic_map(client, index, listing, settings):
    settings.CIVITAS_MAP_TILE_URL = ""
    page = client.get(index.url).content.decode()
    assert "event-map-points" in page and "events/js/map.js" in page
    assert "data-civitas-map" not in page and "civitas/map.js" not in page
    assert "data-civitas-map" not in client.get(listing["library"].url).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "public_meeting"}, ["School meeting"]),
        ({"district": "school"}, ["School meeting"]),
        ({"access": ["childcare"]}, ["School meeting"]),
        ({"access": ["hearing_loop", "step_free_access"]}, ["Library workshop"]),
        ({"language": "fr"}, ["Library workshop"]),
        ({"language": "ar"}, ["Library workshop"]),  # interpreted at the library
        ({"date_from": "+15"}, ["School meeting"]),
        ({"date_to": "+10"}, ["Library workshop"]),
        ({"past": "on", "date_to": "-1"}, ["Past workshop"]),
    ],
)
def test_listing_filters(client, index, listing, school, query, expected):
    today = dt.date.today()
    query = dict(query)
    for name in ("date_from", "date_to"):
        if name in query:
            query[name] = (today + dt.timedelta(days=int(query[name]))).isoformat()
    if query.get("district") == "school":
        query["district"] = school.district_id
    assert titles(client.get(index.url, query)) == expected


def test_bad_filters_answer_400_with_a_message(client, index, listing):
    response = client.get(index.url, {"date_from": "2030-01-10", "date_to": "2030-01-01"})
    assert response.status_code == 400
    assert "must not be before" in response.content.decode()
    assert client.get(index.url, {"kind": "rave"}).status_code == 400


def test_ics_per_event_and_calendar_feed(client, index, listing):
    event = listing["library"]
    response = client.get(f"{event.url}ics/")
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    entries = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in entries] == ["Library workshop"]
    assert str(entries[0]["location"]).startswith("Riverside Library")
    feed = Calendar.from_ical(client.get(f"{index.url}calendar/").content)
    assert sorted(str(e["summary"]) for e in feed.walk("VEVENT")) == [
        "Library workshop",
        "School meeting",
    ]


def test_unpublished_events_are_not_listed(client, index, make_event):
    make_event(title="Draft", live=False)
    assert titles(client.get(index.url)) == []
    assert client.get(f"{index.url}calendar/").content.count(b"VEVENT") == 0


def test_home_page_shows_upcoming_events(client, listing, home_page):
    home_page.body = HomePage.default_body()
    home_page.save()
    page = client.get("/").content.decode()
    assert "Library workshop" in page and "School meeting" in page
    assert "Past workshop" not in page


def test_event_page_shows_accessibility_and_places(client, event, session):
    services.registration_create(session=session, user=UserFactory())
    page = client.get(event.url).content.decode()
    assert "Step-free access" in page and "Hearing loop" in page
    assert "Spoken-language interpretation: fr, ar" in page
    assert "9 places left" in page


def test_closing_report_links_every_input_with_its_status_and_answer(
    client, make_event, challenge, facilitator_of
):
    past = make_event(title="Past workshop", sessions=((-3, 2, 20),), process=challenge)
    facilitator = facilitator_of(past)
    idea_item, _created = services.input_log(
        event=past,
        by=facilitator,
        kind="idea",
        title="Fountain",
        text="Water for hot days",
        data={"challenge": challenge},
        submission_key=uuid.uuid4(),
    )
    services.input_log(event=past, by=facilitator, kind="note", text="Ask for Arabic report")
    services.attendance_record(event=past, by=facilitator, total=22, by_age={}, by_district={})
    idea_status_set(idea=idea_item.target, status="in_progress", answer="Ordered.", by=None)
    response = client.get(f"{past.url}report/")
    page = response.content.decode()
    assert "22 people came." in page
    assert f'href="{challenge.url}{idea_item.target_id}/"' in page
    assert "In progress" in page and "Ordered." in page
    assert "Ask for Arabic report" in page
    assert "2 inputs" in page


def test_registrations_are_exported_and_forgotten_with_the_account(session, resident):
    services.registration_create(
        session=session, user=resident, data={"other_needs": "Wheelchair space"}
    )
    exported = export_personal_data(resident)["sections"]["events"]
    assert exported[0]["other_needs"] == "Wheelchair space"
    account_delete(user=resident)
    assert not Registration.objects.exists()


def test_representativeness_online_and_offline_against_the_baseline(
    client, index, make_event, challenge, facilitator_of, district
):
    from civitas.accounts.models import Role
    from civitas.accounts.services import role_assign
    from events.models import Baseline
    from ideas.services import idea_submit

    online = UserFactory(district=district)
    idea_submit(challenge=challenge, author=online, data={"title": "Trees", "body": "More"})
    workshop = make_event(title="Workshop", sessions=((-2, 2, 10),), process=challenge)
    services.attendance_record(
        event=workshop,
        by=facilitator_of(workshop),
        total=10,
        by_age={"65_plus": 4},
        by_district={str(district.pk): 6},
    )
    Baseline.objects.create(
        process=challenge, by_age={"65_plus": 20}, by_district={str(district.pk): 35}
    )
    url = f"{index.url}representativeness/{challenge.pk}/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    response = client.get(url)
    figures = response.context["figures"]
    assert (figures["online_total"], figures["offline_total"]) == (1, 10)
    row = next(r for r in figures["by_district"] if r["label"] == "Riverside")
    assert (row["online"], row["offline"], row["baseline"]) == (1, 6, 35)
    age = next(r for r in figures["by_age"] if r["label"] == "65 and over")
    assert (age["offline"], age["offline_share"], age["baseline"]) == (4, 100, 20)
