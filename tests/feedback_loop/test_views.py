"""Staff pages and public pages: what each person sees, forms, errors and tampering."""

import pytest
from django.urls import reverse

from feedback_loop import services
from feedback_loop.models import Case, CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(submit, rules, topic, other_topic, case_of):
    """One case of Streets and one of Parks."""
    return case_of(submit(topic=topic, title="Crossing")), case_of(
        submit(topic=other_topic, title="Benches in the park")
    )


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("feedback_loop:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_resident_gets_403(client, resident):
    login(client, resident)
    assert client.get(reverse("feedback_loop:inbox")).status_code == 403


def test_taskforce_inbox_opens_on_triage(client, taskforce, two_cases, submit, case_of):
    waiting = case_of(submit(title="No topic"))
    response = login(client, taskforce).get(reverse("feedback_loop:inbox"))
    assert response.status_code == 200
    assert list(response.context["cases"]) == [waiting]
    response = client.get(reverse("feedback_loop:inbox"), {"state": ""})
    assert {c.pk for c in response.context["cases"]} == {waiting.pk, *(c.pk for c in two_cases)}


def test_case_export_never_hands_a_formula_to_spreadsheets(client, taskforce, submit, case_of):
    case_of(submit(title="=HYPERLINK(1)"))
    csv = login(client, taskforce).get(reverse("feedback_loop:export"), {"state": ""})
    assert "'=HYPERLINK(1)" in csv.content.decode()


def test_department_member_sees_only_theirs(client, streets_member, two_cases, streets, parks):
    streets_case, parks_case = two_cases
    login(client, streets_member)
    response = client.get(reverse("feedback_loop:inbox"))
    assert [c.pk for c in response.context["cases"]] == [streets_case.pk]
    assert response.context["counts"]["open"] == 1
    assert client.get(reverse("feedback_loop:department", args=["streets"])).status_code == 200
    assert client.get(reverse("feedback_loop:department", args=["parks"])).status_code == 403
    assert client.get(reverse("feedback_loop:case", args=[streets_case.pk])).status_code == 200
    assert client.get(reverse("feedback_loop:case", args=[parks_case.pk])).status_code == 404
    csv = client.get(reverse("feedback_loop:export")).content.decode()
    assert "Crossing" in csv and "Benches" not in csv
    searched = client.get(reverse("feedback_loop:inbox"), {"q": "Benches"})
    assert list(searched.context["cases"]) == []
    assert client.get(reverse("feedback_loop:approvals")).status_code == 403


def test_tampering_with_another_departments_case_changes_nothing(
    client, parks_member, two_cases, parks
):
    streets_case, _parks_case = two_cases
    login(client, parks_member)
    for action, data in [
        ("answer", {"answer-decision": "adopted", "answer-public_text": "Hijack"}),
        ("assign", {"assign-department": parks.pk, "assign-reason": "mine"}),
        ("publish", {}),
        ("approve", {}),
    ]:
        response = client.post(
            reverse("feedback_loop:case_action", args=[streets_case.pk, action]), data
        )
        assert response.status_code == 404
    streets_case.refresh_from_db()
    assert streets_case.state == CaseState.ROUTED and streets_case.department.slug == "streets"
    assert not hasattr(streets_case, "answer") or streets_case.answer_or_none is None


def test_member_cannot_triage_own_case(client, streets_member, two_cases, parks):
    streets_case, _ = two_cases
    login(client, streets_member)
    response = client.post(
        reverse("feedback_loop:case_action", args=[streets_case.pk, "assign"]),
        {"assign-department": parks.pk, "assign-reason": "x"},
    )
    assert response.status_code == 403
    streets_case.refresh_from_db()
    assert streets_case.department.slug == "streets"


def test_draft_approve_publish_through_pages(
    client, streets_member, taskforce, two_cases, django_capture_on_commit_callbacks
):
    case, _ = two_cases
    login(client, streets_member)
    page = client.get(reverse("feedback_loop:case", args=[case.pk]))
    assert "answer" in page.context["forms"] and "assign" not in page.context["forms"]
    bad = client.post(
        reverse("feedback_loop:case_action", args=[case.pk, "answer"]),
        {"answer-decision": "maybe", "answer-public_text": ""},
    )
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    response = client.post(
        reverse("feedback_loop:case_action", args=[case.pk, "answer"]),
        {
            "answer-decision": "adopted",
            "answer-public_text": "We will build it.",
            "answer-internal_notes": "Budget line 12",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DRAFTED
    assert (
        client.post(reverse("feedback_loop:case_action", args=[case.pk, "publish"])).status_code
        == 403
    )
    login(client, taskforce)
    queue = client.get(reverse("feedback_loop:approvals"))
    assert [c.pk for c in queue.context["cases"]] == [case.pk]
    client.post(reverse("feedback_loop:case_action", args=[case.pk, "approve"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("feedback_loop:case_action", args=[case.pk, "publish"]))
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED
    again = client.post(reverse("feedback_loop:case_action", args=[case.pk, "approve"]))
    assert again.status_code == 302  # shown as a message, nothing changes
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED


def test_bulk_actions(client, taskforce, submit, case_of, streets):
    cases = [case_of(submit(title=f"Idea {i}")) for i in range(3)]
    login(client, taskforce)
    response = client.post(
        reverse("feedback_loop:bulk"),
        {
            "cases": [c.pk for c in cases[:2]],
            "action": "assign",
            "department": streets.pk,
        },
    )
    assert response.status_code == 302
    assert Case.objects.filter(department=streets).count() == 2
    response = client.post(reverse("feedback_loop:bulk"), {"cases": ["abc"], "action": "assign"})
    assert response.status_code == 302
    assert Case.objects.filter(department=streets).count() == 2


def test_group_through_page_rejects_unknown_numbers(client, taskforce, submit, case_of):
    a, b = case_of(submit(title="A")), case_of(submit(title="B"))
    login(client, taskforce)
    url = reverse("feedback_loop:case_action", args=[a.pk, "group"])
    assert client.post(url, {"group-others": "99999"}).status_code == 400
    assert client.post(url, {"group-others": "x, y"}).status_code == 400
    assert client.post(url, {"group-others": f"#{b.pk}"}).status_code == 302
    b.refresh_from_db()
    assert b.state == CaseState.MERGED


def test_receipt_lookup(
    client,
    challenge,
    rules,
    topic,
    case_of,
    taskforce,
    streets_member,
    django_capture_on_commit_callbacks,
):
    from ideas.services import idea_submit

    with django_capture_on_commit_callbacks(execute=True):
        idea, _ = idea_submit(
            challenge=challenge,
            author=None,
            channel="paper",
            entered_by=taskforce,
            data={"title": "Bike racks", "body": "At the station.", "topic": topic},
        )
    assert idea.receipt_code
    url = reverse("feedback_loop:receipt")
    waiting = client.get(url, {"code": idea.receipt_code.lower().replace("-", " ")})
    assert waiting.status_code == 200
    assert "waiting for an answer" in waiting.content.decode()
    case = case_of(idea)
    services.answer_draft(
        case=case, by=streets_member, decision="already_planned", public_text="Racks come in May."
    )
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    answered = client.get(url, {"code": idea.receipt_code})
    assert "Racks come in May." in answered.content.decode()
    assert client.get(url, {"code": "AAAA-AAAA-AAAA"}).status_code == 404
    assert client.get(url, {"code": "short"}).status_code == 400
    assert client.get(url).status_code == 200


def test_public_pages_render(
    client, two_cases, streets_member, taskforce, challenge, django_capture_on_commit_callbacks
):
    case, _ = two_cases
    services.answer_draft(case=case, by=streets_member, decision="adopted", public_text="Yes.")
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    page = client.get(reverse("feedback_loop:how_used", args=[challenge.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Yes." in body and "Benches in the park" in body and "Waiting for an answer" in body
    assert page.context["totals"] == {
        "inputs": 2,
        "answered": 1,
        "waiting": 1,
        "decisions": {"adopted": 1},
    }
    filtered = client.get(
        reverse("feedback_loop:how_used", args=[challenge.pk]), {"decision": "adopted"}
    )
    assert "Benches" not in filtered.content.decode()
    assert (
        client.get(
            reverse("feedback_loop:how_used", args=[challenge.pk]), {"decision": "bogus"}
        ).status_code
        == 400
    )
    assert client.get(reverse("feedback_loop:how_used", args=[999999])).status_code == 404
    dashboard = client.get(reverse("feedback_loop:dashboard"))
    assert dashboard.status_code == 200
    overall = dashboard.context["data"]["overall"]
    assert overall["total"] == 2 and overall["answered"] == 1 and overall["response_rate"] == 50
    csv = client.get(reverse("feedback_loop:dashboard_csv")).content.decode()
    assert "overall,,2,1,50" in csv
    assert "Streets" in csv and "Parks" in csv


def test_attachments_follow_the_case(
    client,
    settings,
    tmp_path,
    two_cases,
    streets_member,
    parks_member,
    taskforce,
    django_capture_on_commit_callbacks,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CIVITAS_PRIVATE_MEDIA_ROOT = str(tmp_path)
    case, _ = two_cases
    login(client, streets_member)
    response = client.post(
        reverse("feedback_loop:case_action", args=[case.pk, "attach"]),
        {
            "attach-title": "Traffic count",
            "attach-public": "on",
            "attach-file": SimpleUploadedFile("count.csv", b"cars,12\n", content_type="text/csv"),
        },
    )
    assert response.status_code == 302
    internal = client.post(
        reverse("feedback_loop:case_action", args=[case.pk, "attach"]),
        {
            "attach-title": "Internal memo",
            "attach-file": SimpleUploadedFile("memo.txt", b"secret", content_type="text/plain"),
        },
    )
    assert internal.status_code == 302
    public_file, memo = case.attachments.order_by("pk")
    assert str(tmp_path) in memo.file.path
    assert (
        b"".join(client.get(reverse("feedback_loop:attachment", args=[memo.pk])).streaming_content)
        == b"secret"
    )
    login(client, parks_member)
    assert client.get(reverse("feedback_loop:attachment", args=[memo.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("feedback_loop:attachment", args=[public_file.pk])).status_code == 302
    services.answer_draft(case=case, by=streets_member, decision="adopted", public_text="Yes")
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    published = client.get(reverse("feedback_loop:attachment", args=[public_file.pk]))
    assert published.status_code == 200
    assert b"".join(published.streaming_content) == b"cars,12\n"
    assert client.get(reverse("feedback_loop:attachment", args=[memo.pk])).status_code == 302
