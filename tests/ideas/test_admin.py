"""Editors create idea challenges in the Wagtail admin; the app's audit actions are registered."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.log_actions import registry as log_actions

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from ideas.models import IdeaChallengePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_editor_creates_a_challenge_with_its_phases(client, home_page):
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    now = timezone.now().replace(second=0, microsecond=0)
    phases = [
        ("ideas.submit", now, now + dt.timedelta(days=10)),
        ("ideas.support", now + dt.timedelta(days=10), now + dt.timedelta(days=20)),
    ]
    data = {
        "title_en": "Cleaner air",
        "slug": "cleaner-air",
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    for i, (phase_type, start, end) in enumerate(phases):
        data.update(
            {
                f"phases-{i}-phase_type": phase_type,
                f"phases-{i}-title_en": "",
                f"phases-{i}-description_en": "",
                f"phases-{i}-starts_at": local(start),
                f"phases-{i}-ends_at": local(end),
                f"phases-{i}-ORDER": str(i + 1),
                f"phases-{i}-id": "",
                f"phases-{i}-DELETE": "",
            }
        )
    url = f"/admin/pages/add/ideas/ideachallengepage/{home_page.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = IdeaChallengePage.objects.get(title="Cleaner air")
    assert [p.phase_type for p in page.phase_list()] == ["ideas.submit", "ideas.support"]
    assert page.allows("submit")


def test_audit_actions_are_registered():
    for action in ("submitted", "edited", "withdrawn", "status_changed"):
        assert log_actions.action_exists(f"ideas.idea.{action}")
