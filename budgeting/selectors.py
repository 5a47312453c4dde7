"""Reads of the budgeting app that are more than a one-liner. None joins voters to ballots."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from .models import (
    BudgetRoundPage,
    ImplementationStatus,
    Proposal,
    Tally,
    TallyStatus,
    VoterRecord,
)
from .secrecy import voter_key


def personal_data(user) -> list[dict]:
    """The person's proposals and the rounds they voted in online with their account (never
    what they chose: that is not linked to them)."""
    proposals = [
        {
            "id": p.pk,
            "round": p.process.title if p.process_id else None,
            "title": p.title,
            "description": p.description,
            "estimated_cost": p.estimated_cost,
            "location_text": p.location_text,
            "channel": p.channel,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
        }
        for p in Proposal.objects.filter(author=user).select_related("process").order_by("pk")
    ]
    rounds = list(BudgetRoundPage.objects.values_list("pk", "title"))
    keys = {voter_key(pk, f"user:{user.pk}"): title for pk, title in rounds}
    voted = VoterRecord.objects.filter(voter_key__in=list(keys)).values_list("voter_key", flat=True)
    return [{"proposals": proposals, "voted_in": sorted(keys[k] for k in voted)}]


def published_tally(round_page) -> Tally | None:
    return (
        Tally.objects.filter(round=round_page, status=TallyStatus.DONE, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )


def latest_tally(round_page) -> Tally | None:
    return Tally.objects.filter(round=round_page).order_by("-created_at", "-pk").first()


# Funded projects a resident can follow: the cancelled ones are shown on their round only.
FOLLOWED_IMPLEMENTATION = [
    ImplementationStatus.IN_PROGRESS,
    ImplementationStatus.PLANNED,
    ImplementationStatus.COMPLETED,
]


def funded_projects(limit: int = 4) -> dict:
    """Funded projects of live rounds for the home page: counts per implementation status and
    the first `limit` (under way first, then planned, then completed), each with its round."""
    funded = Proposal.objects.filter(funded=True, hidden_at=None, process__live=True)
    counts = funded.aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=Q(implementation_status=status))
            for status in FOLLOWED_IMPLEMENTATION
        },
    )
    order = Case(
        *(
            When(implementation_status=s, then=Value(i))
            for i, s in enumerate(FOLLOWED_IMPLEMENTATION)
        ),
        default=Value(len(FOLLOWED_IMPLEMENTATION)),
        output_field=IntegerField(),
    )
    projects = list(
        funded.filter(implementation_status__in=FOLLOWED_IMPLEMENTATION)
        .select_related("district")
        .order_by(order, "-progress", "-pk")[:limit]
    )
    rounds = BudgetRoundPage.objects.in_bulk({p.process_id for p in projects})
    return {
        "counts": counts,
        "projects": [(project, rounds[project.process_id]) for project in projects],
    }
