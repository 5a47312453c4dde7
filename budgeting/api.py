"""Public API of participatory budgeting: rounds, their proposals and published results.

Nothing here touches the voter roll, and ballots appear only as published counts.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from .models import BudgetRoundPage, Proposal, ProposalStatus
from .selectors import published_tally

router = Router(tags=["budgeting"])
prefix = "budgeting"


class PotOut(Schema):
    district: str | None
    budget: int


class RoundOut(Schema):
    id: int
    title: str
    url: str
    status: str
    currency: str
    ballot_type: str
    counting_rule: str
    pots: list[PotOut]


class ProposalOut(Schema):
    id: int
    project_id: str
    title: str
    description: str
    district: str | None
    category: str | None
    estimated_cost: int
    cost: int
    status: str
    public_reason: str
    funded: bool
    implementation_status: str
    progress: int


class PotResultOut(Schema):
    district: str | None
    budget: int
    spent: int
    voters: int
    winners: list[int]
    votes: dict[str, int]
    voter_budget: str | None


class ResultOut(Schema):
    round: int
    rule: str
    tie_order: str
    ballots: int
    checksum: str
    published_at: str
    pots: list[PotResultOut]


def _rounds():
    return BudgetRoundPage.objects.live().public().specific()


def _round(round_id: int) -> BudgetRoundPage:
    return get_object_or_404(_rounds(), pk=round_id)


def _round_out(page, request) -> RoundOut:
    return RoundOut(
        id=page.pk,
        title=page.title,
        url=request.build_absolute_uri(page.url) if page.url else "",
        status=page.status(),
        currency=page.currency,
        ballot_type=page.ballot_type,
        counting_rule=page.counting_rule,
        pots=[
            PotOut(district=p["district"].name if p["district"] else None, budget=p["budget"])
            for p in page.pots()
        ],
    )


@router.get("/rounds", response=list[RoundOut], summary="Public budgeting rounds")
def list_rounds(request):
    pages = _rounds().prefetch_related("phases")
    return [_round_out(page, request) for page in pages]


@router.get("/rounds/{round_id}", response=RoundOut, summary="One budgeting round")
def get_round(request, round_id: int):
    return _round_out(_round(round_id), request)


@router.get(
    "/rounds/{round_id}/proposals", response=list[ProposalOut], summary="Proposals of a round"
)
def list_proposals(request, round_id: int, status: str | None = None):
    """Every visible proposal of the round, optionally with one status."""
    page = _round(round_id)
    proposals = Proposal.objects.filter(process=page, hidden_at__isnull=True).select_related(
        "district", "category"
    )
    if status is not None:
        if status not in ProposalStatus.values:
            raise HttpError(400, "status must be one of: " + ", ".join(ProposalStatus.values))
        proposals = proposals.filter(status=status)
    return [
        ProposalOut(
            id=p.pk,
            project_id=p.project_id,
            title=p.title,
            description=p.description,
            district=p.district.name if p.district else None,
            category=p.category.name if p.category else None,
            estimated_cost=p.estimated_cost,
            cost=p.cost,
            status=p.status,
            public_reason=p.public_reason,
            funded=p.funded,
            implementation_status=p.implementation_status,
            progress=p.progress,
        )
        for p in proposals.order_by("pk")
    ]


@router.get("/rounds/{round_id}/result", response=ResultOut, summary="Published result")
def get_result(request, round_id: int):
    """The published count: per pot the winners (proposal ids), votes and money spent."""
    page = _round(round_id)
    tally = published_tally(page)
    if tally is None:
        raise HttpError(404, "No result is published for this round yet.")
    names = {row.district_id: row.district.name for row in page.budget_rows()}
    return ResultOut(
        round=page.pk,
        rule=tally.rule,
        tie_order=tally.tie_order,
        ballots=tally.ballot_count,
        checksum=tally.checksum,
        published_at=tally.published_at.isoformat(),
        pots=[
            PotResultOut(
                district=names.get(pot["district"]),
                budget=pot["budget"],
                spent=pot["spent"],
                voters=pot.get("voters", 0),
                winners=pot["winners"],
                votes=pot["votes"],
                voter_budget=pot.get("voter_budget"),
            )
            for pot in tally.pots
        ],
    )
