"""A department reviews a participatory-budgeting proposal from its own inbox: feasibility with a
public reason and a revised cost, recorded through the budgeting app's review service."""

import pytest
from django.urls import reverse

from budgeting.models import ProposalStatus
from budgeting.services import proposal_submit
from civitas.core.errors import DomainError, NotAllowed
from feedback_loop import services
from feedback_loop.models import Case, CaseState, RoutingRule
from tests.budgeting.conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_case(home_page, resident, streets, django_capture_on_commit_callbacks):
    round_page = make_round(home_page, state="propose")
    RoutingRule.objects.create(department=streets, source="budgeting.proposal", priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        proposal, _created = proposal_submit(
            round=round_page,
            author=resident,
            data={"title": "Playground", "description": "Swings", "estimated_cost": 5000},
        )
    case = Case.objects.get()
    assert case.state == CaseState.ROUTED and case.department == streets
    return case, proposal


def review_url(case):
    return reverse("feedback_loop:case_action", args=[case.pk, "review"])


def test_the_department_records_feasibility_and_cost_from_the_case_page(
    proposal_case, streets_member, client
):
    case, proposal = proposal_case
    client.force_login(streets_member)
    page = client.get(reverse("feedback_loop:case", args=[case.pk]))
    assert "Review the budget proposal" in page.content.decode()
    item = case.inputs.get()
    response = client.post(
        review_url(case),
        {
            "review-item": item.pk,
            "review-feasibility": "feasible",
            "review-reason": "Fits the park's plan.",
            "review-revised_cost": "7200",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FEASIBLE
    assert proposal.revised_cost == 7200 and proposal.public_reason == "Fits the park's plan."
    assert proposal.department_name == "Streets"
    event = case.events.get(action="proposal_reviewed")
    assert event.actor == streets_member and event.data["revised_cost"] == 7200


def test_not_feasible_needs_a_reason_and_nothing_changes_without_it(
    proposal_case, streets_member, client
):
    case, proposal = proposal_case
    client.force_login(streets_member)
    response = client.post(
        review_url(case),
        {"review-item": case.inputs.get().pk, "review-feasibility": "not_feasible"},
    )
    assert response.status_code == 400
    assert "Say why the proposal is not feasible." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert not case.events.filter(action="proposal_reviewed").exists()
    with pytest.raises(DomainError):
        services.case_review_proposal(
            case=case, item=case.inputs.get(), by=streets_member, feasible=False, reason=""
        )
    bad_cost = client.post(
        review_url(case),
        {
            "review-item": case.inputs.get().pk,
            "review-feasibility": "feasible",
            "review-revised_cost": "-5",
        },
    )
    assert bad_cost.status_code == 400


def test_other_departments_cannot_review_and_idea_cases_offer_no_review(
    proposal_case, parks_member, client, submit, streets, streets_member, taskforce
):
    case, proposal = proposal_case
    with pytest.raises(NotAllowed):
        services.case_review_proposal(
            case=case, item=case.inputs.get(), by=parks_member, feasible=True
        )
    client.force_login(parks_member)
    assert client.post(review_url(case), {"review-feasibility": "feasible"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    # An idea's case has nothing to review, even for its own department.
    submit(title="Trees")
    idea_case = Case.objects.get(source="ideas.idea")
    idea_case = services.case_assign(case=idea_case, department=streets, by=taskforce)
    assert streets_member.has_perm("feedback_loop.draft_answer", idea_case)
    assert not streets_member.has_perm("feedback_loop.review_proposal", idea_case)
    client.force_login(streets_member)
    assert client.post(review_url(idea_case), {}).status_code == 403


def test_the_published_answer_keeps_the_revised_cost(
    proposal_case, streets_member, taskforce, django_capture_on_commit_callbacks
):
    case, proposal = proposal_case
    services.case_review_proposal(
        case=case,
        item=case.inputs.get(),
        by=streets_member,
        feasible=True,
        reason="Fits.",
        revised_cost=6400,
    )
    services.answer_draft(
        case=case, by=streets_member, decision="adopted", public_text="On the ballot."
    )
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FEASIBLE and proposal.revised_cost == 6400
    assert proposal.public_reason == "On the ballot."
    # A published case takes no more reviews.
    with pytest.raises(NotAllowed):
        services.case_review_proposal(
            case=case, item=case.inputs.get(), by=streets_member, feasible=False, reason="No."
        )
