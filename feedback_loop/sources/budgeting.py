"""Participatory-budgeting proposals as a source of cases: every submitted proposal becomes a
case; the published answer is recorded as the proposal's review. The budgeting app tells the
author only when the review changes the proposal's status; the feedback loop tells everyone
else concerned (and the author when the status stays)."""

from django.utils.translation import gettext_lazy as _

from . import SourceAdapter, contribution_snapshot, sources

KEY = "budgeting.proposal"
# Feasibility that the decision implies: None keeps the proposal under review.
FEASIBLE_FOR_DECISION = {
    "adopted": True,
    "partly_adopted": True,
    "already_planned": True,
    "not_adopted": False,
    "out_of_scope": False,
    "forwarded": None,
}


def snapshot(proposal):
    base = proposal.process.specific.url or ""
    return contribution_snapshot(
        proposal,
        title=proposal.title,
        text=proposal.description,
        url=f"{base}proposals/{proposal.pk}/" if base else "",
        district_id=proposal.district_id,
    )


def publish(proposal, case, answer, by) -> set[int]:
    """Record the answer as the proposal's review; a revised cost the department recorded stays,
    and a "forwarded" answer keeps a feasibility already decided. Returns whom the budgeting
    app told: the author, when the status changed."""
    from budgeting.models import ProposalStatus
    from budgeting.services import proposal_review

    feasible = FEASIBLE_FOR_DECISION[answer.decision]
    if feasible is None and proposal.status in (
        ProposalStatus.FEASIBLE,
        ProposalStatus.NOT_FEASIBLE,
    ):
        feasible = proposal.status == ProposalStatus.FEASIBLE
    old_status = proposal.status
    reviewed = proposal_review(
        proposal=proposal,
        by=by,
        feasible=feasible,
        reason=answer.public_text,
        revised_cost=proposal.revised_cost,
        department_name=case.department.name if case.department else None,
    )
    if reviewed.author_id and reviewed.status != old_status:
        return {reviewed.author_id}
    return set()


def review(proposal, *, by, feasible, reason, revised_cost, department_name):
    """The department answering the case reviews the proposal: feasibility (None: still under
    review) with a public reason, and a revised cost (None: none). Raises DomainError."""
    from budgeting.services import proposal_review

    return proposal_review(
        proposal=proposal,
        by=by,
        feasible=feasible,
        reason=reason,
        revised_cost=revised_cost,
        department_name=department_name,
    )


def on_submitted(sender, proposal, **kwargs):
    from feedback_loop.services import case_open

    case_open(contribution=proposal, adapter=sources.get(KEY))


def on_edited(sender, proposal, **kwargs):
    from feedback_loop.services import case_input_changed

    case_input_changed(contribution=proposal, adapter=sources.get(KEY), action="edited")


def on_merged(sender, proposal, into, by, **kwargs):
    from feedback_loop.services import case_inputs_merged

    case_inputs_merged(duplicate=proposal, kept=into, adapter=sources.get(KEY), by=by)


def connect() -> None:
    from budgeting import signals
    from budgeting.models import Proposal

    sources.register(
        KEY,
        SourceAdapter(
            key=KEY,
            model=Proposal,
            label=_("Budget proposal"),
            snapshot=snapshot,
            publish=publish,
            extra={"review": review},
        ),
    )
    signals.proposal_submitted.connect(
        on_submitted, dispatch_uid="feedback_loop.budgeting.submitted"
    )
    signals.proposal_edited.connect(on_edited, dispatch_uid="feedback_loop.budgeting.edited")
    signals.proposal_merged.connect(on_merged, dispatch_uid="feedback_loop.budgeting.merged")
