"""Other apps' input as cases: budgeting proposals by default, consultation input on request."""

import pytest

from feedback_loop import services
from feedback_loop.models import Case, CaseState, ProcessSettings, RoutingRule
from feedback_loop.sources import sources
from tests.budgeting.conftest import make_round

pytestmark = pytest.mark.django_db


def test_adapters_are_registered():
    assert {"ideas.idea", "budgeting.proposal", "consultations.argument"} <= set(sources.keys())
    assert sources.get("budgeting.proposal").default_on
    assert not sources.get("consultations.argument").default_on


def test_budget_proposal_becomes_a_case_and_hears_the_answer(
    home_page,
    resident,
    streets,
    streets_member,
    taskforce,
    district,
    django_capture_on_commit_callbacks,
):
    from budgeting.models import ProposalStatus
    from budgeting.services import proposal_submit

    round_page = make_round(home_page, state="propose")
    RoutingRule.objects.create(department=streets, source="budgeting.proposal", priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        proposal, _ = proposal_submit(
            round=round_page,
            author=resident,
            data={"title": "Playground", "description": "Swings", "estimated_cost": 5000},
        )
    case = Case.objects.get()
    assert case.source == "budgeting.proposal" and case.state == CaseState.ROUTED
    assert case.department == streets and case.text == "Swings"
    assert case.inputs.get().url.endswith(f"proposals/{proposal.pk}/")
    services.answer_draft(
        case=case,
        by=streets_member,
        decision="not_adopted",
        public_text="The site is reserved for housing.",
    )
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NOT_FEASIBLE
    assert proposal.public_reason == "The site is reserved for housing."
    assert proposal.department_name == "Streets"


def test_consultation_input_only_when_the_process_asks(home_page, challenge):
    adapter = sources.get("consultations.argument")
    assert services.becomes_case(adapter, challenge.pk) is False
    ProcessSettings.objects.create(process=challenge, case_sources=["consultations.argument"])
    assert services.becomes_case(adapter, challenge.pk) is True
    assert services.becomes_case(sources.get("ideas.idea"), challenge.pk) is False
