"""Fixtures for events: an events listing, venues, events with sessions, people in roles."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from events.models import (
    AttendanceMode,
    EventIndexPage,
    EventKind,
    EventPage,
    EventSession,
    Venue,
    VenueKind,
)
from tests.consultations.conftest import make_consultation
from tests.factories import DistrictFactory, UserFactory
from tests.ideas.conftest import make_challenge


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(home_page):
    page = EventIndexPage(title="Events", slug="events")
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def district(db):
    return DistrictFactory(name="Riverside", slug="riverside")


@pytest.fixture
def venue(district):
    return Venue.objects.create(
        name="Riverside Library",
        kind=VenueKind.LIBRARY,
        address="12 Quay Street",
        district=district,
        latitude="50.8467",
        longitude="4.3525",
        step_free_access=True,
        hearing_loop=True,
        spoken_interpretation=True,
        interpretation_languages="fr, ar",
    )


@pytest.fixture
def school(db):
    return Venue.objects.create(
        name="Old Town School",
        kind=VenueKind.SCHOOL,
        address="3 Market Lane",
        district=DistrictFactory(name="Old Town", slug="old-town"),
        childcare=True,
    )


@pytest.fixture
def make_event(index, venue):
    """An event under the listing with sessions given as (start_days, hours, capacity)."""

    def make(title="Riverside workshop", sessions=((3, 2, 10),), **fields):
        fields.setdefault("kind", EventKind.WORKSHOP)
        fields.setdefault("mode", AttendanceMode.IN_PERSON)
        fields.setdefault("venue", venue)
        event = EventPage(title=title, **fields)
        index.add_child(instance=event)
        now = timezone.now()
        for order, (start_days, hours, capacity) in enumerate(sessions):
            starts = now + dt.timedelta(days=start_days)
            EventSession.objects.create(
                page=event,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=hours),
                capacity=capacity,
                sort_order=order,
            )
        return event

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def session(event):
    return event.sessions.get()


@pytest.fixture
def live_event(make_event):
    """An event happening now (its board is open)."""
    return make_event(title="Workshop today", sessions=((-0.02, 3, 30),))


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Ravi")


@pytest.fixture
def facilitator_of():
    def make(event, name="Fay"):
        user = UserFactory(display_name=name)
        role_assign(user=user, role=Role.FACILITATOR, scope=event, by=None)
        return user

    return make


@pytest.fixture
def challenge(home_page):
    return make_challenge(home_page, title="Green squares")


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


@pytest.fixture
def consultation(home_page):
    return make_consultation(home_page)


@pytest.fixture
def linked_event(make_event, consultation):
    """An event feeding the consultation: its facilitators may type in its paper input."""
    return make_event(title="Mobility workshop", process=consultation)
