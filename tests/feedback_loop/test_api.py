"""Inbound API: a department token reaches only its department's cases; bad input is 4xx."""

import json

import pytest
from django.core.management import call_command

from feedback_loop.models import Case, CaseState, DepartmentToken, hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(submit, rules, topic, other_topic, case_of):
    return case_of(submit(topic=topic, title="Crossing")), case_of(
        submit(topic=other_topic, title="Benches")
    )


@pytest.fixture
def token(streets):
    _token, raw = DepartmentToken.issue(department=streets, label="SAP")
    return raw


def token_data(raw: str) -> dict:
    """What the timeline says about the token that took a step."""
    found = DepartmentToken.objects.get(token_hash=hash_token(raw))
    return {"token": found.pk, "token_label": found.label}


def call(client, method, path, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is not None:
        return getattr(client, method)(
            f"/api/v1/feedback{path}", json.dumps(body), content_type="application/json", **headers
        )
    return getattr(client, method)(f"/api/v1/feedback{path}", **headers)


def test_token_is_stored_hashed(token):
    stored = DepartmentToken.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_lists_only_own_cases(client, cases, token):
    streets_case, _parks_case = cases
    response = call(client, "get", "/cases", token)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [streets_case.pk]
    assert call(client, "get", "/cases").status_code == 401
    assert call(client, "get", "/cases", "wrong-token").status_code == 401
    assert call(client, "get", "/cases?limit=0", token).status_code == 400
    assert call(client, "get", "/cases?state=bogus", token).status_code == 400


def test_post_answer_to_own_case(client, cases, token):
    streets_case, _ = cases
    response = call(
        client,
        "post",
        f"/cases/{streets_case.pk}/answer",
        token,
        {"decision": "adopted", "public_text": "Done in June."},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "drafted"
    assert response.json()["public_answer"] == "Done in June."
    bad = call(
        client,
        "post",
        f"/cases/{streets_case.pk}/answer",
        token,
        {"decision": "perhaps", "public_text": "x"},
    )
    assert bad.status_code == 400
    missing = call(
        client, "post", f"/cases/{streets_case.pk}/answer", token, {"decision": "adopted"}
    )
    assert missing.status_code in (400, 422)


def test_foreign_case_and_revoked_token_change_nothing(client, cases, token):
    _streets_case, parks_case = cases
    for path, body in [
        (f"/cases/{parks_case.pk}/answer", {"decision": "adopted", "public_text": "Hijack"}),
        (f"/cases/{parks_case.pk}/status", {"status": "in_progress"}),
    ]:
        assert call(client, "post", path, token, body).status_code == 404
    assert call(client, "get", f"/cases/{parks_case.pk}", token).status_code == 404
    parks_case.refresh_from_db()
    assert (
        parks_case.state == CaseState.ROUTED
        and not parks_case.events.filter(action__in=["drafted", "api_status"]).exists()
    )
    DepartmentToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert call(client, "get", "/cases", token).status_code == 401


def test_post_status_goes_on_timeline(client, cases, token):
    streets_case, _ = cases
    response = call(
        client,
        "post",
        f"/cases/{streets_case.pk}/status",
        token,
        {"status": "in_progress", "note": "Ticket 4711"},
    )
    assert response.status_code == 200
    event = streets_case.events.get(action="api_status")
    assert event.note == "Ticket 4711"
    assert event.data == {"status": "in_progress", **token_data(token)}
    assert (
        call(
            client, "post", f"/cases/{streets_case.pk}/status", token, {"status": "done"}
        ).status_code
        == 400
    )


def test_schema_documents_the_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/feedback/cases/{case_id}/answer" in schema["paths"]
    assert "/api/v1/feedback/dashboard" in schema["paths"]


def test_public_dashboard(client, cases):
    data = client.get("/api/v1/feedback/dashboard").json()
    assert data["overall"]["total"] == 2
    assert {d["name"] for d in data["departments"]} == {"Streets", "Parks"}


def test_token_command(streets, capsys):
    call_command("feedback_loop_token", "streets", "--label", "GIS")
    out = capsys.readouterr().out
    raw = out.split(": ", 1)[1].split()[0]
    assert DepartmentToken.objects.get().token_hash != raw
    assert Case.objects.count() == 0
