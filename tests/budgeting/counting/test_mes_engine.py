"""The MES engine against a plain exact implementation, on many small random elections.

The engine groups ballots, keeps voters in classes, lets floats decide when they are far from
the line and skips Add1 budgets; the reference below does none of that: one exact budget per
voter, every price found by sorting, every Add1 budget counted. Small whole costs make ties
(equal prices, voters left with exactly nothing) frequent.
"""

import random
from fractions import Fraction

import pytest

from budgeting.counting import Ballot, Instance, Project, tally


def reference_mes(costs, ballots, budget, prices=None):
    """Funded project indices in order (Cost_Sat, ties to the lower index); no free projects.

    prices: a list to receive the price each supporter was asked, by round.
    """
    money = [Fraction(budget)] * len(ballots)
    left = {p for p, cost in enumerate(costs) if cost > 0 and any(p in b for b in ballots)}
    funded = []
    while True:
        best = None
        for p in sorted(left):
            supporters = [i for i, b in enumerate(ballots) if p in b]
            if sum(money[i] for i in supporters) < costs[p]:
                continue
            paid, rest = Fraction(0), sorted(money[i] for i in supporters)
            for j, m in enumerate(rest):
                q = (costs[p] - paid) / (len(rest) - j)
                if q <= m:
                    break
                paid += m
            if best is None or q / costs[p] < best[0]:
                best = (q / costs[p], p, q, supporters)
        if best is None:
            return funded
        _, p, q, supporters = best
        for i in supporters:
            money[i] -= min(money[i], q)
        funded.append(p)
        if prices is not None:
            prices.append(q)
        left.discard(p)


def reference_add1(costs, ballots, total, until_overspending=False):
    """(funded, per-voter budget) of Add1 as pabutools runs it: every budget counted."""
    start = Fraction(total, len(ballots))
    paid = [p for p, c in enumerate(costs) if c > 0 and any(p in b for b in ballots)]
    previous = ([], start)
    ceiling = sum(costs[p] for p in paid)
    step = 0
    while True:
        funded = reference_mes(costs, ballots, start + step)
        spent = sum(costs[p] for p in funded)
        if spent > total:
            return previous
        if until_overspending:
            done = set(paid) <= set(funded) or step > ceiling
        else:
            done = all(p in funded or spent + costs[p] > total for p in paid)
        if done:
            return funded, start + step
        previous = (funded, start + step)
        step += 1


def random_election(seed):
    rng = random.Random(seed)
    m = rng.randint(3, 8)
    n = rng.randint(3, 24)
    costs = [rng.choice([rng.randint(1, 12), rng.randint(1, 60)]) for _ in range(m)]
    ballots = []
    for _ in range(n):
        size = rng.randint(1, min(m, 4))
        ballots.append(frozenset(rng.sample(range(m), size)))
    if rng.random() < 0.5:  # identical ballots, as in big cities
        ballots += [ballots[0]] * rng.randint(1, 5)
    total = rng.randint(max(1, sum(costs) // 5), sum(costs))
    # Ids that sort as text in index order, so pabutools' tie order is the index order.
    ids = [f"p{i}" for i in range(m)]
    instance = Instance(
        meta={"budget": str(total)},
        projects={ids[p]: Project(id=ids[p], cost=costs[p]) for p in range(m)},
        ballots=[Ballot(str(v), tuple(ids[p] for p in sorted(b))) for v, b in enumerate(ballots)],
    )
    return instance, costs, ballots, total, ids


SEEDS = range(100)


@pytest.mark.parametrize("seed", SEEDS)
def test_mes_equals_the_plain_exact_method(seed):
    instance, costs, ballots, total, ids = random_election(seed)
    prices = []
    expected = reference_mes(costs, ballots, Fraction(total, len(ballots)), prices)
    outcome = tally(instance, "mes")
    assert outcome.winners == [ids[p] for p in expected]
    shown = [s["price"] for s in outcome.steps if s["kind"] == "funded"]
    assert shown == [str(q) for q in prices]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rule", ["mes-add1", "mes-add1-max"])
def test_add1_equals_counting_every_budget(seed, rule):
    instance, costs, ballots, total, ids = random_election(seed)
    funded, budget = reference_add1(costs, ballots, total, rule == "mes-add1-max")
    outcome = tally(instance, rule)
    assert outcome.winners == [ids[p] for p in funded]
    assert outcome.voter_budget == budget
