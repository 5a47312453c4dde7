"""From stored proposals and ballots to the counting engine's Instance, and back.

Counting is reproducible: the same stored ballots and configuration give the same checksum and
the same winners, whenever and wherever they are counted.
"""

import hashlib
import json

from .counting import Ballot as EngineBallot
from .counting import Instance, Project, tally
from .models import Ballot, BallotType, BudgetRoundPage, Proposal

VOTE_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.CUMULATIVE: "cumulative",
    BallotType.RANKED: "ordinal",
}


def pot_proposals(round_page: BudgetRoundPage, district_id) -> list[Proposal]:
    """The proposals on the ballot of one pot, in a stable order."""
    return list(
        Proposal.objects.on_ballot(round_page)
        .filter(district_id=district_id)
        .only("pk", "title", "estimated_cost", "revised_cost", "pabulib_id", "pabulib_extra")
        .order_by("pk")
    )


def stored_ballots(round_page: BudgetRoundPage):
    """(district id, choices, points, extra) of every ballot, in a canonical order."""
    rows = Ballot.objects.filter(round=round_page).values_list(
        "district_id", "choices", "points", "extra"
    )
    return sorted(rows, key=lambda r: (r[0] or 0, r[1], r[2] or [], sorted(r[3].items())))


def instance_for(round_page: BudgetRoundPage, district_id, budget: int, ballots=None) -> Instance:
    """The engine's Instance of one pot: its projects (ids = pabulib ids or primary keys) and
    each ballot's choices within the pot; ballots with none are left out."""
    proposals = pot_proposals(round_page, district_id)
    by_pk = {p.pk: p for p in proposals}
    projects = {}
    for p in proposals:
        extra = dict(p.pabulib_extra)
        projects[p.project_id] = Project(
            id=p.project_id,
            cost=p.cost,
            name=p.title,
            category=extra.pop("category", ""),
            target=extra.pop("target", ""),
            extra=extra,
        )
    engine_ballots = []
    if ballots is None:
        ballots = stored_ballots(round_page)
    for ballot_district, choices, points, extra in ballots:
        # A city-wide pot counts every voter; a district pot the voters of that district, even
        # those who chose none of its projects (MES shares the budget among all of them).
        if district_id is not None and ballot_district != district_id:
            continue
        kept = [(c, points[i] if points else None) for i, c in enumerate(choices) if c in by_pk]
        engine_ballots.append(
            EngineBallot(
                voter_id=str(len(engine_ballots) + 1),
                choices=tuple(by_pk[c].project_id for c, _p in kept),
                points=tuple(p for _c, p in kept) if points else None,
                extra=dict(extra),
            )
        )
    meta = {
        k: v
        for k, v in round_page.pabulib_meta.items()
        if k not in ("num_projects", "num_votes", "budget")
    }
    meta.setdefault("description", round_page.title)
    meta.setdefault("country", "")
    meta.setdefault("unit", round_page.title)
    meta.setdefault("instance", round_page.slug)
    meta["num_projects"] = str(len(projects))
    meta["num_votes"] = str(len(engine_ballots))
    meta["budget"] = str(budget)
    meta["vote_type"] = meta.get("vote_type") or VOTE_TYPES[round_page.ballot_type]
    if round_page.ballot_type == BallotType.CUMULATIVE:
        meta.setdefault("max_sum_points", str(round_page.points))
    if round_page.max_selections:
        meta.setdefault("max_length", str(round_page.max_selections))
    return Instance(meta=meta, projects=projects, ballots=engine_ballots)


def checksum(round_page: BudgetRoundPage, ballots, rule: str, tie_order: str) -> str:
    """SHA-256 of the canonical ballots, pots, projects and counting configuration."""
    digest = hashlib.sha256()
    config = {
        "rule": rule,
        "tie_order": tie_order,
        "tie_lot": round_page.tie_lot,
        "rank_points": round_page.rank_points,
        "pots": [
            [p["district"].pk if p["district"] else None, p["budget"]] for p in round_page.pots()
        ],
        "projects": [
            [p.pk, p.district_id, p.cost]
            for p in Proposal.objects.on_ballot(round_page).order_by("pk")
        ],
        "threshold": round_page.pabulib_meta.get("min_project_score_threshold", ""),
    }
    digest.update(json.dumps(config, sort_keys=True).encode())
    for district_id, choices, points, _extra in ballots:
        digest.update(json.dumps([district_id, choices, points]).encode() + b"\n")
    return digest.hexdigest()


def _threshold(round_page: BudgetRoundPage):
    value = round_page.pabulib_meta.get("min_project_score_threshold")
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def count_pot(round_page, district_id, budget, rule, tie_order, ballots, progress=None) -> dict:
    """Count one pot; a JSON-able dict of the result with winners as proposal ids."""
    instance = instance_for(round_page, district_id, budget, ballots)
    by_project_id = {p.project_id: p.pk for p in pot_proposals(round_page, district_id)}
    outcome = tally(
        instance,
        rule,
        tie_order=tie_order,
        tie_key=round_page.tie_lot or None,
        threshold=_threshold(round_page) if rule == "greedy-threshold" else None,
        scores=round_page.counting_scores(),
        progress=progress,
    )
    votes = dict.fromkeys(by_project_id, 0)
    for ballot in instance.ballots:
        for i, choice in enumerate(ballot.choices):
            votes[choice] += ballot.points[i] if ballot.points else 1
    return {
        "district": district_id,
        "budget": budget,
        "rule": outcome.rule,
        "tie_order": outcome.tie_order,
        "winners": [by_project_id[w] for w in outcome.winners],
        "winner_ids": list(outcome.winners),
        "spent": outcome.spent,
        "voter_budget": str(outcome.voter_budget) if outcome.voter_budget is not None else None,
        "completion": getattr(outcome, "completion", ""),
        "steps": outcome.steps,
        "votes": {str(by_project_id[pid]): n for pid, n in votes.items()},
        "voters": len(instance.ballots),
    }
