"""The MES engine against a plain exact implementation, on many small random elections.

The engine groups ballots, keeps voters in classes, lets floats decide when they are far from
the line and skips Add1 budgets; the reference below does none of that: one exact budget per
voter, every price found by sorting, every Add1 budget counted. Small whole costs make ties
(equal prices, voters left with exactly nothing) frequent.
"""

import random
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from budgeting.counting import Ballot, Instance, Project, fast, mes, tally
from budgeting.counting.rules import Election


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
    return as_instance(costs, ballots, total)


def as_instance(costs, ballots, total):
    """(Instance, costs, ballots, total, ids) of an election given by project indices."""
    # Ids that sort as text in index order, so pabutools' tie order is the index order.
    ids = [f"p{i}" for i in range(len(costs))]
    instance = Instance(
        meta={"budget": str(total)},
        projects={ids[p]: Project(id=ids[p], cost=costs[p]) for p in range(len(costs))},
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


def tied_election(seed):
    """An election made of exact ties: equal costs, ballots mirrored, voters holding exactly
    a price. The compiled engine cannot certify such decisions and must hand them over."""
    rng = random.Random(seed)
    m = rng.randint(3, 6)
    unit = rng.choice([6, 12, 60])
    costs = [unit * rng.choice([1, 1, 2]) for _ in range(m)]
    patterns = [frozenset(rng.sample(range(m), rng.randint(1, 3))) for _ in range(3)]
    # Each pattern with its mirror image (project p <-> m - 1 - p), the same number of times.
    ballots = []
    for pattern in patterns:
        copies = rng.randint(1, 3)
        ballots += [pattern] * copies + [frozenset(m - 1 - p for p in pattern)] * copies
    return as_instance(costs, ballots, rng.randint(unit, sum(costs)))


def add1_problem(instance):
    election = Election(instance)
    ranks = election.tie_ranks("pabutools", None)
    return election.problem(election.costs, ranks), election.budget


needs_numba = pytest.mark.skipif(not fast.AVAILABLE, reason="numba is not installed")


@needs_numba
@pytest.mark.parametrize("make", [random_election, tied_election])
def test_add1_takes_the_compiled_path_and_the_exact_fallback(make):
    """Add1 on the compiled engine equals counting every budget exactly, over elections where
    the floats decide most runs and elections where exact ties make them hand over."""
    seen = Counter()
    for seed in SEEDS:
        instance, costs, ballots, total, ids = make(seed)
        funded, budget = reference_add1(costs, ballots, total)
        problem, total = add1_problem(instance)
        result = mes.add1(problem, total)
        assert result.funded == funded
        assert result.budget == budget
        seen.update(result.stats)
    assert seen["compiled_runs"] > seen["fallbacks"] > 0
    if make is tied_election:
        assert seen["fallbacks"] >= 20


@pytest.mark.parametrize("seed", range(40))
def test_add1_without_the_compiled_engine(seed, monkeypatch):
    monkeypatch.setattr(mes, "COMPILED", False)
    instance, costs, ballots, total, ids = tied_election(seed)
    funded, budget = reference_add1(costs, ballots, total)
    problem, total = add1_problem(instance)
    result = mes.add1(problem, total)
    assert (result.funded, result.budget) == (funded, budget)
    assert result.stats["exact_runs"] >= 1 and "compiled_runs" not in result.stats


def float_tie():
    """Two projects with the same exact rho (1/3: three voters approve both), which floats
    compute as different numbers: fl(fl(c / 3) / c) is 1/3 rounded for c = 1,000,000 and one
    unit above it for c = 1,000,001. The tie goes to p0, the costlier one."""
    costs = {"p0": 1_000_001, "p1": 1_000_000}
    instance = Instance(
        meta={"budget": "1500000"},
        projects={p: Project(id=p, cost=c) for p, c in costs.items()},
        ballots=[Ballot(str(v), ("p0", "p1")) for v in range(3)],
    )
    return add1_problem(instance)


@needs_numba
def test_the_error_bounds_are_what_keeps_the_floats_exact():
    problem, total = float_tie()
    budget = Fraction(total, 3)
    assert (1_000_001 / 3) / 1_000_001 > (1_000_000 / 3) / 1_000_000  # floats: p1 cheaper
    assert mes.run(problem, budget).funded == [0]  # exact: a tie, won by p0
    engine = fast.Engine(problem, mes.supported(problem))
    assert engine.run(budget) == (False, None)  # too close to certify: counted exactly instead
    engine.safety = 0.0  # trusting the floats as they are funds the wrong project
    assert engine.run(budget)[1][0] == [1]
    result = mes.add1(problem, total)
    assert result.funded == [0] and result.stats["fallbacks"] == 1


def test_costs_beyond_float_precision_are_counted_exactly():
    """float64 holds whole numbers exactly only up to 2**53; the error bounds assume it."""
    share = 2**52 + 1  # each of the three voters' share of the budget
    costs = [2 * share, 2**53 + 5]  # the first paid exactly by its two supporters
    ballots = [frozenset({0}), frozenset({0}), frozenset({1})]
    instance, costs, ballots, total, ids = as_instance(costs, ballots, 3 * share)
    problem, total = add1_problem(instance)
    assert not mes.fast_enough(problem)
    result = mes.add1(problem, total)
    assert (result.funded, result.budget) == reference_add1(costs, ballots, total) == ([0], share)
    assert "compiled_runs" not in result.stats


def wide_election(seed):
    """Costs in the hundred thousands and a few dozen kinds of ballot: Add1 goes through
    thousands of budgets, and the outcome changes between long stretches where it does not."""
    rng = random.Random(seed)
    m = rng.randint(8, 14)
    costs = [rng.randint(10_000, 900_000) for _ in range(m)]
    kinds = [
        frozenset(rng.sample(range(m), rng.randint(2, min(m, 7))))
        for _ in range(rng.randint(20, 60))
    ]
    ballots = [kind for kind in kinds for _ in range(rng.randint(1, 6))]
    return as_instance(costs, ballots, int(sum(costs) * rng.uniform(0.25, 0.6)))


@needs_numba
def test_every_range_add1_skips_has_the_same_outcome_at_every_budget(monkeypatch):
    """Add1 skips the budgets of a range where the compiled engine proves one outcome from
    both ends (`fast.prove_range`), and those a failed proof is sure of from its lower end;
    the exact engine counts each of them again here."""
    proofs, counting = [], {}
    prove = fast.Engine.prove

    def recorded(engine, low, high, order):
        before = engine.two_ended
        result = prove(engine, low, high, order)
        ruled_out = engine.two_ended - before
        proofs.append((counting["problem"], low, high, list(order), result, ruled_out))
        return result

    monkeypatch.setattr(fast.Engine, "prove", recorded)
    budgets = two_ended = sure_of = 0
    for seed in range(20):
        instance, costs, ballots, total, ids = wide_election(seed)
        counting["problem"], total = add1_problem(instance)
        mes.add1(counting["problem"], total)
    for problem, low, high, order, (proven, _, _, sure), ruled_out in proofs:
        if not proven:
            # The steps a failed proof is sure of: the last one, and a sample of the others.
            assert 0 <= sure < high - low
            if sure:
                sure_of += 1
                sample = random.Random(f"{low}:{sure}").sample(range(sure), min(8, sure))
                for step in {sure, *sample}:
                    assert [r.project for r in mes.run(problem, low + step).rounds] == order
                    budgets += 1
            continue
        two_ended += ruled_out
        # Every budget of the ranges the two-ended test was needed for, both ends and a sample
        # of the others.
        steps = range(int(high - low) + 1)
        if not ruled_out:
            sample = random.Random(f"{low}:{high}").sample(steps, min(8, len(steps)))
            steps = {0, len(steps) - 1, *sample}
        for step in steps:
            assert [r.project for r in mes.run(problem, low + step).rounds] == order
            budgets += 1
    assert two_ended >= 10 and budgets >= 2_000 and sure_of >= 40


# (election seed, first step, step where the outcome changes, last step) of wide elections whose
# outcome is the same from the first step to the one before the change and again at the last
# step: found by counting every budget.
COMES_BACK = [
    (6, 3192, 3203, 3509),
    (8, 93, 494, 959),
    (10, 4687, 5088, 5692),
    (20, 1867, 2076, 2283),
    (20, 3690, 3756, 4366),
    (21, 1571, 1863, 2315),
    (21, 2207, 2315, 2421),
    (22, 1344, 1362, 1378),
]


@needs_numba
@pytest.mark.parametrize(("seed", "first", "leaves", "last"), COMES_BACK)
def test_an_outcome_that_leaves_and_comes_back_is_not_proven_across(seed, first, leaves, last):
    """The same outcome at both ends of a range is not enough: the two-ended proof must see
    that it changes in between (a check of both ends alone passes every one of these)."""
    instance, *_ = wide_election(seed)
    problem, total = add1_problem(instance)
    start = Fraction(total, problem.voters)

    def order(step):
        return [r.project for r in mes.run(problem, start + step).rounds]

    outcome = order(first)
    assert order(leaves - 1) == order(last) == outcome != order(leaves)
    engine = fast.Engine(problem, mes.supported(problem))
    for low in (first, leaves - 1):
        for high in (leaves, last):
            proven, _, _, sure = engine.prove(start + low, start + high, outcome)
            assert proven is False
            assert low + sure < leaves  # what it is sure of stops before the change


@needs_numba
@pytest.mark.parametrize("seed", range(6))
def test_classes_of_equal_money_are_the_supporters_agreeing_on_what_was_funded(seed):
    """A forced project's supporters are priced in classes: the groups that support the same
    projects among those funded before it (so they paid the same in every round). Checked
    against that definition: one class per such set, with the summed weight of its groups."""
    instance, *_ = wide_election(seed)
    problem, total = add1_problem(instance)
    engine = fast.Engine(problem, mes.supported(problem))
    order = [r.project for r in mes.run(problem, Fraction(total, problem.voters)).rounds]
    assert len(order) >= 3
    bounds, parents, members, members_weight, start = engine.classes(order)
    weights = dict(enumerate(engine.weights))
    klass = start.copy()  # every group's class, followed round by round
    first = int(klass.max()) + 1
    supported = {g: set() for g in range(len(engine.weights))}
    for p in range(len(engine.costs)):
        for g in engine.groups[engine.ptr[p] : engine.ptr[p + 1]]:
            supported[int(g)].add(p)
    for k, f in enumerate(order):
        expected: dict = {}
        for g, projects in supported.items():
            if f in projects:
                key = frozenset(projects & set(order[:k]))
                expected.setdefault(key, []).append(g)
        found = {}
        for member, weight in zip(
            members[bounds[k] : bounds[k + 1]],
            members_weight[bounds[k] : bounds[k + 1]],
            strict=True,
        ):
            key = frozenset(supported[int(member)] & set(order[:k]))
            assert key not in found  # one class per set of projects funded before
            found[key] = weight
        assert found.keys() == expected.keys()
        for key, groups in expected.items():
            assert found[key] == sum(weights[g] for g in groups)
        # Each new class comes from its members' class; every supporter of f moves to one.
        new = {}
        for j in range(bounds[k], bounds[k + 1]):
            assert klass[members[j]] == parents[j]
            new[int(parents[j])] = first + j
        for g in engine.groups[engine.ptr[f] : engine.ptr[f + 1]]:
            klass[g] = new[int(klass[g])]
    assert bounds[-1] < sum(engine.ptr[f + 1] - engine.ptr[f] for f in order)  # fewer classes


@needs_numba
@pytest.mark.parametrize("seed", range(8))
def test_money_most_bounds_what_supporters_have_left_without_a_pass(seed):
    """`money_most` (what a project's supporters had, less what `record_spent` is sure they
    paid for each funded project they share) is never below the exact money they have left,
    and it is low enough to rule projects out."""
    instance, *_ = wide_election(seed)
    problem, total = add1_problem(instance)
    engine = fast.Engine(problem, mes.supported(problem))
    start = Fraction(total, problem.voters)
    ruled_out = 0
    for budget in (start, start * Fraction(5, 4), start * Fraction(3, 2)):
        counted = mes.run(problem, budget)
        alive = engine.alive.copy()
        spent = np.zeros(len(engine.costs))
        for r in counted.rounds:
            alive[r.project] = False
            q_least = float(r.q) * (1 - 1e-12)
            fast.record_spent(
                r.project,
                q_least,
                float(r.full_payers),
                engine.support,
                engine.overlap,
                alive,
                spent,
            )
        for p in np.flatnonzero(alive):
            most = fast.money_most(int(p), engine.support, spent, float(budget) * (1 + 1e-12))
            assert Fraction(most) >= counted.money_left(problem, int(p))
            ruled_out += most < problem.costs[p]
    assert ruled_out > 0


@needs_numba
def test_a_proof_inside_a_failed_one_looks_only_at_what_that_one_left(monkeypatch):
    """A failed proof's pairs (round, rival) that it ruled out are ruled out on any part of its
    range, and those of its first rounds on any order that begins with them, so a proof of a
    part of the range looks only at the others: it proves at least what a proof
    from scratch does, and is sure of at least as much (what it then claims is counted
    exactly by `test_every_range_add1_skips_has_the_same_outcome_at_every_budget`). The rounds
    after the last with a pair left are not counted; the bounds of their rho that stand in
    (from the lower budget of the failed proof) are still above the exact rho."""
    proofs, counting, other_orders = [], {}, [0]
    prove = fast.Engine.prove

    def recorded(engine, low, high, order):
        todo = engine._todo(order, low, high)[0]
        same_order = any(a <= low <= high <= b for a, b, *_ in engine._left.get(tuple(order), []))
        result = prove(engine, low, high, order)
        if not todo.all():
            inner = None if result[0] else engine._left[tuple(order)][-1][2]
            pairs = (len(order) + 1) * int(engine.alive.sum())
            proofs.append((counting["problem"], low, high, list(order), result, todo, inner, pairs))
            other_orders[0] += not same_order
        return result

    monkeypatch.setattr(fast.Engine, "prove", recorded)
    for seed in range(20):
        instance, *_ = wide_election(seed)
        counting["problem"], total = add1_problem(instance)
        mes.add1(counting["problem"], total)
    monkeypatch.setattr(fast.Engine, "prove", prove)
    looked_at = every_pair = 0
    engines = {}
    skipped_rounds = 0
    for problem, low, high, order, (proven, _, reference, sure), todo, left, pairs in proofs:
        if proven:  # the order is the outcome at `high`: its rho are under the bounds
            rounds = mes.run(problem, high).rounds
            assert all(
                r.rho <= Fraction(bound) for r, bound in zip(rounds, reference[1], strict=True)
            )
            skipped_rounds += not todo[-1].any() and not todo[-2].any()
        if id(problem) not in engines:
            engines[id(problem)] = fast.Engine(problem, mes.supported(problem))
        scratch = engines[id(problem)]
        scratch._left.clear()
        scratch_proven, _, _, scratch_sure = scratch.prove(low, high, order)
        assert proven or not scratch_proven
        assert proven or sure >= scratch_sure
        assert left is None or not (left & ~todo).any()  # it looked at nothing else
        looked_at += int(todo.sum())
        every_pair += pairs
    assert len(proofs) >= 40 and looked_at * 4 < every_pair and skipped_rounds >= 5
    assert other_orders[0] >= 5


@needs_numba
def test_a_run_inside_a_failed_proof_skips_the_rivals_it_ruled_out(monkeypatch):
    """A run that replays an order at a budget inside a failed proof's range of that order
    does not look again at the rivals the proof ruled out, and counts the same outcome as the
    exact engine."""
    runs, counting = [], {}
    run = fast.Engine.run

    def recorded(engine, budget, reference=None):
        if reference is not None and any(
            a <= budget <= b for a, b, *_ in engine._left.get(tuple(reference[0]), [])
        ):
            runs.append((counting["problem"], budget, run(engine, budget, reference)))
            return runs[-1][2]
        return run(engine, budget, reference)

    monkeypatch.setattr(fast.Engine, "run", recorded)
    for seed in range(20):
        instance, *_ = wide_election(seed)
        counting["problem"], total = add1_problem(instance)
        mes.add1(counting["problem"], total)
    assert len(runs) >= 40
    for problem, budget, (_, found) in runs:
        if found is not None:
            assert found[0] == [r.project for r in mes.run(problem, budget).rounds]
