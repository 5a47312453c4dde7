"""The taskforce's screen for departments' API tokens (shown once, last use, revocation, audit)
and the feedback loop's front page."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from feedback_loop.models import DepartmentToken, hash_token

pytestmark = pytest.mark.django_db

TOKENS = "/feedback/tokens/"


def test_the_taskforce_creates_a_token_that_is_shown_once(client, taskforce, streets):
    client.force_login(taskforce)
    response = client.post(TOKENS, {"label": "Streets case system", "department": streets.pk})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["issued"]["raw"]
    assert raw.startswith("cvt_") and raw in response.content.decode()
    token = DepartmentToken.objects.get()
    assert token.token_hash == hash_token(raw) and token.department == streets
    entry = ModelLogEntry.objects.get(action="feedback_loop.token.issued")
    assert entry.user_id == taskforce.pk
    # The list afterwards shows the token but never its value again.
    again = client.get(TOKENS)
    body = again.content.decode()
    assert "Streets case system" in body and raw not in body and "Never" in body


def test_last_use_is_shown_and_a_revoked_token_stops_working(client, taskforce, streets):
    token, raw = DepartmentToken.issue(department=streets, label="GIS")
    api = client.get("/api/v1/feedback/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(taskforce)
    assert "Never" not in client.get(TOKENS).content.decode()
    response = client.post(reverse("feedback_loop:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked_at = token.revoked_at
    client.post(reverse("feedback_loop:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert ModelLogEntry.objects.filter(action="feedback_loop.token.revoked").count() == 1
    client.logout()
    api = client.get("/api/v1/feedback/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401


def test_bad_input_creates_nothing(client, taskforce, streets):
    client.force_login(taskforce)
    assert client.post(TOKENS, {"label": "", "department": streets.pk}).status_code == 400
    assert client.post(TOKENS, {"label": "X", "department": 999_999}).status_code == 400
    assert client.post(TOKENS, {"label": "\x00bad", "department": streets.pk}).status_code == 400
    assert not DepartmentToken.objects.exists()
    assert client.post(reverse("feedback_loop:token_revoke", args=[999_999])).status_code == 404


def test_only_the_taskforce_manages_tokens(client, streets_member, resident, streets):
    token, _raw = DepartmentToken.issue(department=streets, label="GIS")
    assert client.get(TOKENS).status_code == 302  # to the login page
    for person in (streets_member, resident):
        client.force_login(person)
        assert client.get(TOKENS).status_code == 403
        assert client.post(TOKENS, {"label": "Mine", "department": streets.pk}).status_code == 403
        revoke = client.post(reverse("feedback_loop:token_revoke", args=[token.pk]))
        assert revoke.status_code == 403
    assert DepartmentToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_front_page_for_staff_and_for_everyone(
    client, taskforce, streets_member, streets, submit, rules, topic
):
    submit(topic=topic)
    anonymous = client.get("/feedback/")
    body = anonymous.content.decode()
    assert anonymous.status_code == 200
    assert reverse("feedback_loop:receipt") in body and reverse("feedback_loop:dashboard") in body
    assert reverse("feedback_loop:inbox") not in body
    assert "Safer streets" in body  # the process whose input is being answered
    client.force_login(streets_member)
    body = client.get("/feedback/").content.decode()
    assert reverse("feedback_loop:department", args=[streets.slug]) in body
    assert reverse("feedback_loop:tokens") not in body
    client.force_login(taskforce)
    body = client.get("/feedback/").content.decode()
    assert reverse("feedback_loop:approvals") in body and reverse("feedback_loop:tokens") in body
