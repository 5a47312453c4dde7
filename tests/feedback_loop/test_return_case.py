"""A department sends a case that is not its own back to the taskforce's triage."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from civitas.core.errors import DomainError, NotAllowed
from civitas.notifications.models import Notification
from feedback_loop import services
from feedback_loop.models import Case, CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets_case(submit, rules, topic, case_of):
    case = case_of(submit(topic=topic, title="Crossing"))
    assert case.state == CaseState.ROUTED and case.due_date is not None
    return case


def url(case, action="return"):
    return reverse("feedback_loop:case_action", args=[case.pk, action])


# --- service ------------------------------------------------------------------------------


def test_returning_sends_the_case_to_triage_and_tells_the_taskforce(
    streets_case, streets, streets_member, taskforce
):
    services.case_return(case=streets_case, by=streets_member, reason="Parks own this square.")
    case = Case.objects.get(pk=streets_case.pk)
    assert (case.state, case.department_id, case.due_date) == (CaseState.TRIAGE, None, None)
    event = case.events.get(action="returned")
    assert (event.actor, event.department, event.note) == (
        streets_member,
        streets,
        "Parks own this square.",
    )
    assert event.data["from"] == streets.pk
    entry = ModelLogEntry.objects.get(action="feedback_loop.case.returned")
    assert entry.user_id == streets_member.pk and entry.object_id == str(case.pk)
    notice = Notification.objects.get(kind="feedback_loop.case_returned")
    assert notice.recipient == taskforce
    assert notice.title == "Streets returned a case to triage: Crossing"
    assert notice.body == "Parks own this square."


def test_a_drafted_case_may_be_returned_and_assigned_again(
    streets_case, streets_member, taskforce, parks
):
    services.answer_draft(
        case=streets_case, by=streets_member, decision="adopted", public_text="Draft"
    )
    services.case_return(case=streets_case, by=streets_member, reason="Not ours.")
    case = services.case_assign(case=streets_case, department=parks, by=taskforce)
    assert (case.state, case.department) == (CaseState.ASSIGNED, parks)
    assert case.due_date is not None


def test_a_reason_is_required(streets_case, streets_member):
    with pytest.raises(DomainError) as error:
        services.case_return(case=streets_case, by=streets_member, reason="  ")
    assert error.value.code == "reason"
    assert Case.objects.get(pk=streets_case.pk).state == CaseState.ROUTED


@pytest.mark.parametrize("state", [CaseState.APPROVED, CaseState.PUBLISHED])
def test_an_approved_or_published_answer_cannot_be_returned(
    streets_case, streets_member, taskforce, state, django_capture_on_commit_callbacks
):
    services.answer_draft(case=streets_case, by=streets_member, decision="adopted", public_text="Y")
    services.answer_approve(case=streets_case, by=taskforce)
    if state == CaseState.PUBLISHED:
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_publish(case=streets_case, by=taskforce)
    with pytest.raises(NotAllowed):
        services.case_return(case=streets_case, by=streets_member, reason="Not ours.")
    case = Case.objects.get(pk=streets_case.pk)
    assert case.state == state and case.department_id is not None
    assert not case.events.filter(action="returned").exists()


def test_other_departments_and_the_taskforce_may_not_return(
    streets_case, parks, parks_member, taskforce
):
    services.case_add_contributing_department(case=streets_case, department=parks, by=taskforce)
    for person in (parks_member, taskforce):
        with pytest.raises(NotAllowed):
            services.case_return(case=streets_case, by=person, reason="Not ours.")
    assert Case.objects.get(pk=streets_case.pk).state == CaseState.ROUTED


# --- endpoint -----------------------------------------------------------------------------


def test_the_case_page_offers_returning_to_its_department_only(
    client, streets_case, streets_member, parks_member, parks, taskforce
):
    client.force_login(streets_member)
    page = client.get(reverse("feedback_loop:case", args=[streets_case.pk])).content.decode()
    assert url(streets_case) in page and "Return to the taskforce" in page
    services.case_add_contributing_department(case=streets_case, department=parks, by=taskforce)
    client.force_login(parks_member)
    page = client.get(reverse("feedback_loop:case", args=[streets_case.pk])).content.decode()
    assert url(streets_case) not in page


def test_posting_returns_the_case_and_leads_back_to_the_inbox(client, streets_case, streets_member):
    client.force_login(streets_member)
    response = client.post(url(streets_case), {"return-reason": "A regional road."})
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback_loop:inbox")
    case = Case.objects.get(pk=streets_case.pk)
    assert case.state == CaseState.TRIAGE
    assert case.events.get(action="returned").note == "A regional road."
    # The case left the department: its page is not the member's any more.
    assert client.get(reverse("feedback_loop:case", args=[case.pk])).status_code == 404


def test_posting_without_a_reason_is_a_400_and_changes_nothing(
    client, streets_case, streets_member
):
    client.force_login(streets_member)
    response = client.post(url(streets_case), {"return-reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Case.objects.get(pk=streets_case.pk).state == CaseState.ROUTED


def test_the_endpoint_needs_post_and_csrf(streets_case, streets_member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(streets_member)
    assert client.get(url(streets_case)).status_code == 405
    assert client.post(url(streets_case), {"return-reason": "Not ours."}).status_code == 403
    assert Case.objects.get(pk=streets_case.pk).state == CaseState.ROUTED


# --- permission ---------------------------------------------------------------------------


def test_another_department_is_refused_and_nothing_changes(
    client, streets_case, parks, parks_member, taskforce, streets_member
):
    client.force_login(parks_member)
    assert client.post(url(streets_case), {"return-reason": "No."}).status_code == 404
    services.case_add_contributing_department(case=streets_case, department=parks, by=taskforce)
    assert client.post(url(streets_case), {"return-reason": "No."}).status_code == 403
    services.answer_draft(case=streets_case, by=streets_member, decision="adopted", public_text="Y")
    services.answer_approve(case=streets_case, by=taskforce)
    client.force_login(streets_member)
    assert client.post(url(streets_case), {"return-reason": "No."}).status_code == 403
    case = Case.objects.get(pk=streets_case.pk)
    assert case.state == CaseState.APPROVED and not case.events.filter(action="returned").exists()


def test_the_rule(streets_case, streets_member, parks_member, taskforce):
    assert streets_member.has_perm("feedback_loop.return_case", streets_case)
    assert not parks_member.has_perm("feedback_loop.return_case", streets_case)
    assert not taskforce.has_perm("feedback_loop.return_case", streets_case)
