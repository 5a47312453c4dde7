"""Editors create venues and events with sessions in the Wagtail admin."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.log_actions import registry as log_actions

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from events.models import EventPage, Venue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def editor(client):
    user = UserFactory()
    role_assign(user=user, role=Role.EDITOR, by=None)
    client.force_login(user)
    return user


def event_form(venue, sessions, **extra):
    data = {
        "title_en": "Street festival planning",
        "slug": "street-festival",
        "kind": "co_creation",
        "mode": "in_person",
        "venue": str(venue.pk) if venue else "",
        "languages": "en, fr",
        "online_link": "",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
        **extra,
    }
    for i, (start, end, capacity) in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-title_en": "",
                f"sessions-{i}-starts_at": local(start),
                f"sessions-{i}-ends_at": local(end),
                f"sessions-{i}-capacity": str(capacity),
                f"sessions-{i}-ORDER": str(i + 1),
                f"sessions-{i}-id": "",
                f"sessions-{i}-DELETE": "",
            }
        )
    return data


def test_editor_creates_an_event_with_two_sessions(client, editor, index, venue):
    now = timezone.now().replace(second=0, microsecond=0)
    sessions = [
        (now + dt.timedelta(days=3), now + dt.timedelta(days=3, hours=2), 20),
        (now + dt.timedelta(days=6), now + dt.timedelta(days=6, hours=3), 30),
    ]
    url = f"/admin/pages/add/events/eventpage/{index.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, event_form(venue, sessions))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="street-festival")
    assert [s.capacity for s in event.session_list()] == [20, 30]
    assert event.join_code


def test_an_event_in_person_needs_a_venue(client, editor, index):
    now = timezone.now()
    url = f"/admin/pages/add/events/eventpage/{index.pk}/"
    response = client.post(url, event_form(None, [(now, now + dt.timedelta(hours=1), 5)]))
    assert response.status_code == 200
    assert "needs a venue" in response.content.decode()
    assert not EventPage.objects.exists()


def test_editor_adds_a_venue_with_its_accessibility(client, editor, district):
    url = "/admin/snippets/events/venue/add/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "North Hill Community Centre",
            "kind": "community_centre",
            "address": "5 Hill Road",
            "district": str(district.pk),
            "latitude": "50.85",
            "longitude": "4.35",
            "step_free_access": "on",
            "childcare": "on",
            "interpretation_languages": "",
            "accessibility_notes_en": "Ramp at the side door.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    venue = Venue.objects.get()
    assert [key for key, _label in venue.features] == ["step_free_access", "childcare"]


def test_audit_actions_are_registered():
    for action in ("registration.created", "registration.promoted", "input.logged"):
        assert log_actions.action_exists(f"events.{action}")
