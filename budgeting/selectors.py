"""Reads of the budgeting app that are more than a one-liner. None joins voters to ballots."""

from .models import BudgetRoundPage, Proposal, Tally, TallyStatus, VoterRecord
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
