"""Counting rules for participatory budgeting, in exact arithmetic.

Every decision (who wins, who is skipped, where ties fall) is taken on integers or fractions, never
on floats, so outcomes are reproducible and equal those of pabutools where pabutools has the rule.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain

import numpy as np

from budgeting.counting import mes
from budgeting.counting.instance import Instance, no_cycle_collection

RULES: tuple[str, ...] = (
    "greedy",
    "greedy-per-cost",
    "mes",
    "mes-approval",
    "mes-add1",
    "mes-add1-greedy",
    "mes-add1-max",
    "greedy-no-skip",
    "greedy-threshold",
)
TIE_ORDERS: tuple[str, ...] = ("pabutools", "equalshares", "custom")


@dataclass
class Outcome:
    """The result of counting: winners in selection order, money spent, how it was decided."""

    rule: str
    winners: list[str]
    spent: int
    tie_order: str
    voter_budget: Fraction | None
    steps: list[dict] = field(default_factory=list)
    completion: str = ""  # "greedy" when a greedy pass spent what MES left over
    counting: dict = field(default_factory=dict)  # Add1: runs compiled, exact, not certified


class CountingError(ValueError):
    """Counting was asked for something it cannot do (unknown rule, missing threshold...)."""


MES_RULES = ("mes", "mes-approval", "mes-add1", "mes-add1-greedy", "mes-add1-max")


class Election:
    """An instance prepared for counting: projects indexed in file order, ballots grouped."""

    def __init__(self, instance: Instance, scores=None):
        with no_cycle_collection():
            self._group(instance, scores)

    def _group(self, instance: Instance, scores) -> None:
        self.instance = instance
        self.ids = list(instance.projects)
        index = {project_id: i for i, project_id in enumerate(self.ids)}
        self.costs = [instance.projects[p].cost for p in self.ids]
        self.budget = instance.budget
        self.voters = len(instance.ballots)
        self.points = [0] * len(self.ids)
        if scores is not None and scores != "points":
            try:
                scores = tuple(int(s) for s in scores)
            except (TypeError, ValueError):
                raise CountingError(f"scores must be whole numbers, not {scores!r}") from None
        by_points = scores is not None
        raw = Counter(ballot.choices for ballot in instance.ballots)
        self._group_ballots(raw, index)
        if by_points:
            for ballot in instance.ballots:
                self._add_points(ballot, index, scores)
        counts = np.bincount(
            self.flat,
            weights=np.repeat(np.asarray(self.weights, dtype=np.float64), self.sizes),
            minlength=len(self.ids),
        )
        self.votes = counts.astype(np.int64).tolist()
        # The score greedy rules rank by: points when asked for, else supporters.
        self.score = self.points if by_points else self.votes

    def _group_ballots(self, raw: Counter, index: dict) -> None:
        """Group the distinct ballots of `raw` ({choices: count}) by the set of projects they
        name (a project named twice counts once; the order of naming does not matter), in
        order of first appearance: every group's projects in one array (`flat`, `sizes` per
        group) and its weight."""
        choices = list(raw)
        count, m = len(choices), len(self.ids)
        lengths = np.fromiter(map(len, choices), dtype=np.int64, count=count)
        named = np.fromiter(
            map(index.__getitem__, chain.from_iterable(choices)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        # Each distinct ballot as a row of bits, compared as bytes to merge equal sets.
        owner = np.repeat(np.arange(count), lengths)
        incidence = np.zeros((count, m), dtype=bool)
        incidence[owner, named] = True
        width = max((m + 7) // 8, 1)
        rows = np.zeros((count, width), dtype=np.uint8)
        rows[:, : (m + 7) // 8] = np.packbits(incidence, axis=1)
        keys = rows.view(np.dtype((np.void, width))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        appearance = np.argsort(first, kind="stable")
        place = np.empty_like(appearance)
        place[appearance] = np.arange(len(appearance))
        counts = np.fromiter(raw.values(), dtype=np.int64, count=count)
        self.weights = (
            np.bincount(place[inverse.ravel()], weights=counts, minlength=len(appearance))
            .astype(np.int64)
            .tolist()
        )
        # Every group's projects in one array, shared with the MES problem: as the first
        # ballot of the group names them, unless some ballot names a project twice.
        chosen = first[appearance]
        if np.array_equal(incidence.sum(axis=1), lengths):
            is_first = np.zeros(count, dtype=bool)
            is_first[chosen] = True
            self.flat = named[is_first[owner]]
            self.sizes = lengths[chosen]
        else:
            group_rows, projects = np.nonzero(incidence[chosen])
            self.flat = projects.astype(np.int64)
            self.sizes = np.bincount(group_rows, minlength=len(chosen)).astype(np.int64)

    def _add_points(self, ballot, index, scores):
        if scores == "points":
            if ballot.points is None:
                raise CountingError("these ballots carry no points; pass scores per rank")
            pairs = zip(ballot.choices, ballot.points, strict=True)
        else:
            pairs = zip(ballot.choices, scores, strict=False)  # ranks beyond the scale get 0
        seen = set()
        for choice, value in pairs:
            if choice not in seen:  # a project named twice counts once
                seen.add(choice)
                self.points[index[choice]] += value

    def tie_ranks(self, tie_order: str, tie_key: dict | None) -> list[int]:
        """Each project's place in the tie order (0 wins every tie)."""
        if tie_order not in TIE_ORDERS:
            raise CountingError(f"unknown tie order {tie_order!r}; use one of {TIE_ORDERS}")
        if tie_order == "custom" or (tie_order == "equalshares" and tie_key is not None):
            missing = [p for p in self.ids if p not in (tie_key or {})]
            if missing:
                raise CountingError(f"the tie order has no place for project {missing[0]!r}")
        if tie_order == "pabutools":
            keys = [(p,) for p in self.ids]
        elif tie_order == "custom":
            keys = [(tie_key[p], p) for p in self.ids]
        else:
            keys = [
                (self.costs[i], -self.votes[i], tie_key[p] if tie_key else 0, p)
                for i, p in enumerate(self.ids)
            ]
        order = sorted(range(len(self.ids)), key=keys.__getitem__)
        ranks = [0] * len(self.ids)
        for rank, i in enumerate(order):
            ranks[i] = rank
        return ranks

    def problem(self, utils: list[int], ranks: list[int]) -> mes.Problem:
        """The grouped ballots as MES counts them, with these satisfactions and tie ranks."""
        with no_cycle_collection():
            return mes.Problem(
                costs=self.costs,
                utils=utils,
                tie_rank=ranks,
                groups=None,
                weights=self.weights,
                voters=self.voters,
                sizes=self.sizes,
                flat=self.flat,
            )

    def outcome(self, rule, winners, tie_order, steps, **more) -> Outcome:
        """The Outcome of funding `winners` (project indices, in selection order)."""
        return Outcome(
            rule=rule,
            winners=[self.ids[p] for p in winners],
            spent=sum(self.costs[p] for p in winners),
            tie_order=tie_order,
            voter_budget=more.pop("voter_budget", None),
            steps=steps,
            **more,
        )

    def step(self, p: int, kind: str, reason: str, **data) -> dict:
        """One explanation line about project p, JSON-serialisable."""
        return {
            "project": self.ids[p],
            "kind": kind,
            "reason": reason,
            "votes": self.votes[p],
            "score": self.score[p],
            "cost": self.costs[p],
            **data,
        }


def _exact(value) -> str:
    return str(Fraction(int(value.numerator), int(value.denominator)))


def tally(
    instance: Instance,
    rule: str,
    *,
    tie_order: str = "pabutools",
    tie_key: dict[str, int] | None = None,
    threshold: int | None = None,
    scores=None,
    exclude_unsupported: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Count `instance` with `rule` (one of RULES); raise CountingError on a bad request.

    tie_order "pabutools": project ids compared as text; "equalshares": lower cost, then more
    votes, then `tie_key` (a published lot, project id -> int); "custom": `tie_key` alone.
    threshold: the minimum score of a funded project for greedy-threshold (default: META
    `min_project_score_threshold`). scores: points per rank for ordinal ballots, e.g. (3, 2, 1)
    for Kraków, or "points" for cumulative ballots to count the points they carry; greedy rules
    then rank by points. Without scores every project on a ballot counts as one vote, as in
    pabutools, so outcomes compare. MES rules always count supporters (a project on a ballot is
    approved by it). progress(done, total) is called now and then.
    """
    if rule not in RULES:
        raise CountingError(f"unknown rule {rule!r}; use one of {', '.join(RULES)}")
    try:
        election = Election(instance, scores)
    except CountingError:
        raise
    except (KeyError, ValueError) as exc:
        raise CountingError(f"the ballots cannot be counted: {exc}") from None
    ranks = election.tie_ranks(tie_order, tie_key)
    report = progress or (lambda done, total: None)
    if rule in MES_RULES:
        return _tally_mes(election, rule, ranks, tie_order, exclude_unsupported, report)
    if rule == "greedy-threshold":
        if threshold is None:
            raw = instance.meta.get("min_project_score_threshold")
            if raw is None:
                raise CountingError("greedy-threshold needs a threshold (none in META)")
            try:
                threshold = int(Fraction(raw.replace(",", ".")))
            except (ValueError, ZeroDivisionError):
                raise CountingError(f"bad min_project_score_threshold {raw!r}") from None
    else:
        threshold = None
    winners, steps = _greedy(
        election,
        per_cost=rule == "greedy-per-cost",
        stop_at_first_misfit=rule == "greedy-no-skip",
        threshold=threshold,
        ranks=ranks,
        funded=[],
        exclude_unsupported=exclude_unsupported,
    )
    report(1, 1)
    return election.outcome(rule, winners, tie_order, steps)


def _greedy(
    election: Election,
    *,
    per_cost: bool,
    stop_at_first_misfit: bool,
    threshold: int | None,
    ranks: list[int],
    funded: list[int],
    exclude_unsupported: bool,
    stage: str = "greedy",
) -> tuple[list[int], list[dict]]:
    """Fund projects by score (or score per cost) in tie order, after the already `funded` ones."""
    costs, score = election.costs, election.score

    def density(p):
        if not per_cost:
            return Fraction(score[p])
        return Fraction(score[p], costs[p]) if costs[p] else Fraction(10**100 * (score[p] > 0))

    already = set(funded)
    order = sorted(
        (p for p in range(len(costs)) if p not in already), key=lambda p: (-density(p), ranks[p])
    )
    left = election.budget - sum(costs[p] for p in funded)
    winners, steps = list(funded), []
    stopped = False
    for p in order:
        if election.votes[p] == 0 and exclude_unsupported:
            steps.append(election.step(p, "rejected", "unsupported", stage=stage))
        elif threshold is not None and score[p] < threshold:
            steps.append(
                election.step(p, "rejected", "threshold", stage=stage, lacked=threshold - score[p])
            )
        elif stopped:
            steps.append(election.step(p, "rejected", "stopped", stage=stage))
        elif costs[p] <= left:
            left -= costs[p]
            winners.append(p)
            steps.append(election.step(p, "funded", "funded", stage=stage, budget_left=left))
        else:
            steps.append(election.step(p, "skipped", "budget", stage=stage, lacked=costs[p] - left))
            stopped = stop_at_first_misfit
    return winners, steps


def _tally_mes(election, rule, ranks, tie_order, exclude_unsupported, report) -> Outcome:
    utils = [1] * len(election.costs) if rule == "mes-approval" else election.costs
    problem = election.problem(utils, ranks)
    if rule in ("mes", "mes-approval"):
        result = mes.run(problem, mes.Q(election.budget, max(election.voters, 1)), report=report)
    else:
        result = mes.add1(
            problem,
            election.budget,
            until_overspending=rule == "mes-add1-max",
            report=report,
        )
    winners = result.funded
    steps = [election.step(p, "funded", "free", stage="mes") for p in result.free]
    for number, r in enumerate(result.rounds, start=1):
        steps.append(
            election.step(
                r.project,
                "funded",
                "funded",
                stage="mes",
                round=number,
                rho=_exact(r.rho),
                price=_exact(r.q),
                price_approx=float(r.q),
                full_payers=r.full_payers,
                capped_payers=r.capped_payers,
            )
        )
    completion = ""
    if rule == "mes-add1-greedy":
        completion = "greedy"
        winners, more = _greedy(
            election,
            per_cost=False,
            stop_at_first_misfit=False,
            threshold=None,
            ranks=ranks,
            funded=winners,
            exclude_unsupported=exclude_unsupported,
            stage="completion",
        )
    else:
        more = []
    funded = set(winners)
    for p in range(len(election.costs)):
        if p in funded:
            continue
        if election.votes[p] == 0:
            steps.append(election.step(p, "rejected", "unsupported", stage="mes"))
            continue
        left = result.money_left(problem, p)
        lacked = max(election.costs[p] - left, 0)
        steps.append(
            election.step(
                p,
                "rejected",
                "money",
                stage="mes",
                money_left=_exact(left),
                money_left_approx=float(left),
                lacked=_exact(Fraction(lacked)) if lacked else "0",
                lacked_approx=float(lacked),
            )
        )
    steps.extend(s for s in more if s["kind"] == "funded")
    report(1, 1)
    return election.outcome(
        rule,
        winners,
        tie_order,
        steps,
        voter_budget=Fraction(int(result.budget.numerator), int(result.budget.denominator)),
        completion=completion,
        counting=result.stats,
    )
