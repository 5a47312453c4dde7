"""The Method of Equal Shares on grouped ballots, with exact decisions.

Identical ballots form one group with a weight. For the satisfactions counted here (cost utilities
and approval utilities: a voter supports a project or not) every supporter of a project is asked
the same price `q`, and pays all they have left if that is less. A voter's money left therefore
depends only on which funded projects they support, so voters are kept in "classes" that share one
exact budget.

Floats (numpy) only find where to look: which project probably has the lowest price. Every
decision is then taken in exact rational arithmetic, and a float is trusted only when it is
farther than TOLERANCE (relative) from the value it is compared with, far beyond float rounding.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from budgeting.counting import fast

try:  # GMP rationals are exact too, and several times faster than Fraction
    from gmpy2 import mpq as Q
except ImportError:  # pragma: no cover - depends on the installation
    Q = Fraction

TOLERANCE = 1e-9
# Count on the compiled float engine where it can prove its decisions (see fast.py).
COMPILED = True
ZERO_CLASS = 0  # voters with nothing left
FIRST_CLASS = 1  # voters who have paid for nothing yet


@dataclass
class Problem:
    """Ballots grouped for MES: group g names the projects `groups[g]`, `weights[g]` times
    (`groups` may be None when `sizes` and `flat` give them)."""

    costs: list[int]
    utils: list[int]  # satisfaction per supporter: the cost (cost utilities) or 1 (approval)
    tie_rank: list[int]  # position of each project in the tie order, lower wins
    groups: list[tuple[int, ...]] | None
    weights: list[int]
    voters: int
    support: list[int] = field(init=False)
    # The number of projects of each group and all groups' projects in one array, when the
    # caller has them already (numpy arrays).
    sizes: object = field(default=None, repr=False)
    flat: object = field(default=None, repr=False)

    def __post_init__(self):
        m = len(self.costs)
        if self.sizes is None:
            self.sizes = np.fromiter(map(len, self.groups), dtype=np.int64, count=len(self.groups))
            self.flat = np.fromiter(
                (p for g in self.groups for p in g), dtype=np.int64, count=int(self.sizes.sum())
            )
        sizes, flat = self.sizes, self.flat
        owner = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        # A stable sort of small whole numbers is a radix sort in numpy (16 bits or fewer).
        keys = flat.astype(np.int16) if m < 2**15 else flat
        order = np.argsort(keys, kind="stable")
        flat, owner = flat[order], owner[order]
        weights = np.asarray(self.weights, dtype=np.float64)
        bounds = np.searchsorted(flat, np.arange(m + 1))
        self.supporters = [owner[bounds[p] : bounds[p + 1]] for p in range(m)]
        self.supporter_weights = [weights[s] for s in self.supporters]
        self.support = [int(w.sum()) for w in self.supporter_weights]
        # Projects sharing a supporter: funding one changes the other's price. Each group's
        # projects as bits, OR-ed over each project's supporters.
        incidence = np.zeros((len(sizes), m), dtype=bool)
        incidence[owner, flat] = True
        packed = np.packbits(incidence, axis=1)[owner]
        starts = bounds[:-1]
        shared = np.zeros((m, packed.shape[1]), dtype=np.uint8)
        some = starts < bounds[1:]
        if some.any():
            shared[some] = np.bitwise_or.reduceat(packed, starts[some], axis=0)
        near = np.unpackbits(shared, axis=1, count=m).astype(bool)
        self.neighbours = [set(np.flatnonzero(row).tolist()) for row in near]


@dataclass
class Round:
    """One funded project: its price per supporter `q`, `rho` = q per unit of satisfaction."""

    project: int
    q: object
    rho: object
    full_payers: int  # supporters who paid q
    capped_payers: int  # supporters who paid less: all they had left


@dataclass
class Run:
    """One MES run at per-voter budget `budget`: the rounds in order, and the final state."""

    budget: object
    rounds: list[Round]
    free: list[int] = field(default_factory=list)  # supported projects that cost nothing
    state: "State | None" = None
    stats: dict = field(default_factory=dict)  # how Add1 counted: compiled, exact, fallbacks

    @property
    def funded(self) -> list[int]:
        return self.free + [r.project for r in self.rounds]

    def cost(self, problem: Problem) -> int:
        return sum(problem.costs[r.project] for r in self.rounds)

    def money_left(self, problem: Problem, p: int):
        """The money the supporters of p had left at the end (exact)."""
        if self.state is None:
            return Q(self.budget * problem.support[p])
        return self.state.available(p)


def supported(problem: Problem) -> list[int]:
    """The projects at least one ballot names: the only ones MES may fund."""
    return [p for p in range(len(problem.costs)) if problem.support[p] > 0]


class State:
    """Voters' money during one run: a class per group of ballots.

    A class is the set of funded projects its voters paid for in full; its exact money left is
    `budget - sum of their prices`, computed only when a decision needs it (exact numbers grow
    long over the rounds). Classes who paid all they had share ZERO_CLASS. Floats mirror every
    class's money to find quickly which classes matter.
    """

    def __init__(self, problem: Problem, budget):
        self.problem = problem
        self.budget = Q(budget)
        self.prices: list = []  # exact price of each funded project, by round
        # chain[c, r]: voters of class c paid the price of round r in full.
        self.chain = np.zeros((64, len(problem.costs)), dtype=np.uint8)
        self.approx = np.zeros(64)  # approximate money left per class; the first `size` count
        self.approx[FIRST_CLASS] = float(budget)
        self.size = 2
        self.group_class = np.full(len(problem.weights), FIRST_CLASS, dtype=np.int64)
        self.class_weight = np.zeros(64)  # voters in each class
        self.class_weight[FIRST_CLASS] = float(sum(problem.weights))
        self._exact: dict[int, object] = {ZERO_CLASS: Q(0), FIRST_CLASS: self.budget}
        self._support: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def exact(self, c: int):
        """The exact money left of each voter in class c."""
        money = self._exact.get(c)
        if money is None:
            rounds = np.flatnonzero(self.chain[c]).tolist()
            money = self.budget - sum((self.prices[r] for r in rounds), Q(0))
            self._exact[c] = money
        return money

    def support(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """(classes holding p's supporters with money left, weight of them in each); read only.

        Weights are float64 holding whole numbers. Cached until the next project is funded.
        """
        cached = self._support.get(p)
        if cached is None:
            problem = self.problem
            counts = np.bincount(
                self.group_class[problem.supporters[p]],
                weights=problem.supporter_weights[p],
                minlength=self.size,
            )
            counts[ZERO_CLASS] = 0
            classes = np.flatnonzero(counts)
            cached = self._support[p] = (classes, counts[classes])
        return cached

    def _classes(self, p: int):
        """(classes, their approximate money, weight of p's supporters in each) for p."""
        classes, weight = self.support(p)
        return classes, self.approx[classes], weight

    def money_of(self, classes, weights):
        """Exact sum of the money left of `weights[i]` voters of each class `classes[i]`."""
        classes = np.asarray(classes, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.int64)
        keep = classes != ZERO_CLASS
        classes, weights = classes[keep], weights[keep]
        per_round = weights @ self.chain[classes]
        spent = sum(
            (self.prices[r] * int(per_round[r]) for r in np.flatnonzero(per_round).tolist()),
            Q(0),
        )
        return self.budget * int(weights.sum()) - spent

    def approx_price(self, p: int):
        """(approximate q or None, approximate money of p's supporters) from floats."""
        _, money, weight = self._classes(p)
        return _approx_price(self.problem.costs[p], money, weight)

    def price(self, p: int):
        """The exact price q each supporter of p pays, or None if they cannot afford p.

        q solves sum(weight * min(money, q)) = cost: the voters with less than q (the "poor")
        pay all they have, the others q each.
        """
        classes, money, weight = self._classes(p)
        cost = self.problem.costs[p]
        approx, available = _approx_price(cost, money, weight)
        iweight = weight.astype(np.int64)
        if approx is None:
            if available < cost * (1 - TOLERANCE) or self.money_of(classes, iweight) < cost:
                return None
            return self._price_exactly(cost, classes.tolist(), iweight.tolist())
        # The floats only propose who is poor: the price that follows is checked against the
        # floats far from it and against the exact money of the classes near it.
        poor = money < approx
        rich = int(iweight[~poor].sum())
        if rich:
            q = (cost - self.money_of(classes[poor], iweight[poor])) / rich
            qf = float(q)
            near = np.abs(money - qf) <= qf * TOLERANCE * 10
            if not np.any(((money < qf) != poor) & ~near) and all(
                (self.exact(c) < q) == is_poor
                for c, is_poor in zip(classes[near].tolist(), poor[near].tolist(), strict=True)
            ):
                return q
        return self._price_exactly(cost, classes.tolist(), iweight.tolist())

    def _price_exactly(self, cost, classes, weight):
        items = sorted((self.exact(c), w) for c, w in zip(classes, weight, strict=True))
        remaining_cost, remaining_weight = Q(cost), sum(weight)
        for money, w in items:
            q = remaining_cost / remaining_weight
            if q <= money:
                return q
            remaining_cost -= money * w
            remaining_weight -= w
        return None

    def available(self, p: int):
        """The exact money p's supporters have left."""
        classes, weight = self.support(p)
        return self.money_of(classes, weight.astype(np.int64))

    def approx_available(self, p: int) -> float:
        classes, weight = self.support(p)
        return float(self.approx[classes] @ weight)

    def spend_at_most(self, p: int, t):
        """Exact sum over p's supporters of min(money left, t)."""
        classes, weight = self.support(p)
        return sum(
            (
                min(self.exact(c), t) * int(w)
                for c, w in zip(classes.tolist(), weight.tolist(), strict=True)
            ),
            Q(0),
        )

    def approx_spend_at_most(self, p: int, t: float) -> float:
        classes, weight = self.support(p)
        return float(np.minimum(self.approx[classes], t) @ weight)

    def fund(self, f: int, q) -> tuple[int, int]:
        """Charge each supporter of f min(money left, q); return (full payers, capped payers)."""
        problem = self.problem
        classes, weight = self.support(f)
        money = self.approx[classes]
        qf = float(q)
        left = money - qf
        sign = np.where(
            money > qf * (1 + TOLERANCE), 1, np.where(money < qf * (1 - TOLERANCE), -1, 0)
        )
        # Near q, or a small difference of floats: decide and subtract exactly.
        unsure = np.flatnonzero((sign == 0) | ((sign == 1) & (left < money * 1e-5)))
        for i in unsure.tolist():
            exact_left = self.exact(int(classes[i])) - q
            sign[i] = (exact_left > 0) - (exact_left < 0)
            left[i] = float(exact_left)
        rich = sign > 0
        full = int(weight[sign >= 0].sum())
        capped = int(weight[sign < 0].sum())
        # A class whose every voter supports f keeps its number; one split in two gives its
        # supporters of f a new class; voters left with nothing join ZERO_CLASS.
        whole = self.class_weight[classes] == weight
        moved = rich & whole
        split = rich & ~whole
        size, added = self.size, int(split.sum())
        remap = np.arange(size, dtype=np.int64)
        remap[classes] = ZERO_CLASS
        remap[classes[moved]] = classes[moved]
        remap[classes[split]] = np.arange(size, size + added, dtype=np.int64)
        if size + added > len(self.approx):
            capacity = 2 * (size + added)
            grow = capacity - len(self.approx)
            self.approx = np.concatenate([self.approx, np.zeros(grow)])
            self.class_weight = np.concatenate([self.class_weight, np.zeros(grow)])
            self.chain = np.concatenate(
                [self.chain, np.zeros((grow, self.chain.shape[1]), np.uint8)]
            )
        round_ = len(self.prices)
        old = classes[split]
        self.chain[size : size + added] = self.chain[old]
        self.chain[size : size + added, round_] = 1
        self.approx[size : size + added] = left[split]
        self.class_weight[size : size + added] = weight[split]
        kept = classes[moved]
        self.chain[kept, round_] = 1
        self.approx[kept] = left[moved]
        if len(kept):
            changed = np.zeros(size, dtype=bool)
            changed[kept] = True
            for c in [c for c in self._exact if c < size and changed[c]]:
                del self._exact[c]
        self.class_weight[classes] -= weight
        self.class_weight[kept] += weight[moved]
        self.size = size + added
        self.prices.append(q)
        self._support.clear()
        groups = problem.supporters[f]
        self.group_class[groups] = remap[self.group_class[groups]]
        return full, capped


def _approx_price(cost: int, money: np.ndarray, weight: np.ndarray):
    """(approximate q or None, approximate money in all) for supporters with this money.

    Newton's method on the concave f(q) = sum(weight * min(money, q)), from cost / supporters
    (below the root): each step keeps the voters below q as poor, and stops when that set
    stays the same, usually after one to three steps and without sorting.
    """
    available = float(money @ weight)
    if available < cost:
        return None, available
    total = float(weight.sum())
    q = cost / total
    poor = money < q
    for _ in range(64):
        rich = total - float(weight[poor].sum())
        if rich <= 0:
            return None, available
        q = (cost - float(money[poor] @ weight[poor])) / rich
        after = money < q
        if np.count_nonzero(after) == np.count_nonzero(poor):
            return q, available
        poor = after
    return None, available  # pragma: no cover - floats stuck between two sets: decide exactly


def _lower_bound(problem: Problem, p: int) -> float:
    # Prices only rise as money runs out: cost / (supporters * satisfaction) bounds rho below.
    return problem.costs[p] / (problem.support[p] * problem.utils[p]) * (1 - TOLERANCE)


def run(problem: Problem, budget, candidates: list[int] | None = None, report=None) -> Run:
    """Run MES with per-voter `budget` over `candidates` (default: every supported project).

    Supported projects that cost nothing are funded first, as pabutools does.
    """
    budget = Q(budget)
    if candidates is None:
        candidates = supported(problem)
    free = [p for p in candidates if problem.costs[p] == 0]
    alive = {p for p in candidates if problem.costs[p] > 0}
    state = State(problem, budget)
    utils, tie_rank, costs = problem.utils, problem.tie_rank, problem.costs
    bounds = {p: _lower_bound(problem, p) for p in alive}
    approx: dict[int, float] = {}  # float rho, valid until a neighbour is funded
    rounds: list[Round] = []
    while alive:
        best = None
        for p in sorted(alive, key=bounds.__getitem__):
            if best is not None and bounds[p] > best * (1 + TOLERANCE):
                break
            if p not in approx:
                q, available = state.approx_price(p)
                if q is None:
                    if available < costs[p] * (1 - TOLERANCE) or state.price(p) is None:
                        alive.discard(p)
                        continue
                    q = float(state.price(p))
                approx[p] = q / utils[p]
                bounds[p] = approx[p] * (1 - TOLERANCE)
            if best is None or approx[p] < best:
                best = approx[p]
        if best is None:
            break
        # Decide exactly among every project whose float rho is near the best.
        chosen = None
        for p in alive:
            if p in approx and approx[p] <= best * (1 + TOLERANCE):
                q = state.price(p)
                if q is None:
                    continue
                key = (q / utils[p], tie_rank[p])
                if chosen is None or key < chosen[0]:
                    chosen = (key, q, p)
        if chosen is None:  # pragma: no cover - floats and exact disagree on affordability
            for p in list(alive):
                approx.pop(p, None)
            continue
        (rho, _), q, f = chosen
        full, capped = state.fund(f, q)
        rounds.append(Round(f, q, rho, full, capped))
        alive.discard(f)
        for p in problem.neighbours[f]:
            approx.pop(p, None)
        if report:
            report(len(rounds), len(rounds) + len(alive))
    return Run(budget, rounds, free, state)


def same_outcome_up_to(problem: Problem, reference: Run, budget, candidates: list[int]) -> bool:
    """True if MES gives `reference`'s rounds at every per-voter budget in [reference, budget].

    With the same projects funded in the same order, every voter's money left only grows with
    the per-voter budget and every price only falls. So if, at `budget` and with that order
    forced, no other project is affordable at the price the funded one had at the reference
    budget (nor at the end), none beats it anywhere in between.
    """
    state = State(problem, Q(budget))
    utils, costs, tie_rank = problem.utils, problem.costs, problem.tie_rank
    free = set(reference.free)
    open_ = [p for p in candidates if costs[p] > 0 and p not in free]
    funded: set[int] = set()
    m = len(costs)
    waiting = np.zeros(m, dtype=bool)  # open and not funded yet
    waiting[open_] = True
    support = np.asarray(problem.support, dtype=np.float64)
    utility = np.asarray(utils, dtype=np.float64)
    reachable = np.asarray(costs, dtype=np.float64) * (1 - TOLERANCE)
    # Cached upper bounds of sum(min(money, t)) per project, from the last look at it: the
    # threshold t0, the sum s0 at t0, and the money of its supporters in all.
    t0 = np.full(m, np.inf)
    s0 = np.full(m, np.inf)
    money0 = np.full(m, np.inf)

    def safe(p: int, t, rank_wins: bool) -> bool:
        cost = costs[p]
        tf = float(t)
        spend = state.approx_spend_at_most(p, tf)
        t0[p], s0[p], money0[p] = tf, spend, state.approx_available(p)
        if spend < cost * (1 - TOLERANCE):
            return True
        if spend > cost * (1 + TOLERANCE):
            return False
        exact = state.spend_at_most(p, t)
        return exact < cost or (exact == cost and rank_wins)

    for r in reference.rounds:
        f = r.project
        threshold = float(r.rho) * utility
        # Cheap bounds first, for every project at once: no one affordable at this price even
        # with money to spare, or (money only falls from round to round, and
        # min(m, a*t) <= a*min(m, t) for a >= 1) not affordable at the last look.
        with np.errstate(invalid="ignore"):
            bound = np.minimum(s0 * np.maximum(1.0, threshold / t0), money0)
        unsure = waiting & (support * threshold >= reachable) & ~(bound < reachable)
        unsure[f] = False
        for p in np.flatnonzero(unsure).tolist():
            if not safe(p, r.rho * utils[p], tie_rank[f] < tie_rank[p]):
                return False
        q = state.price(f)
        if q is None:  # pragma: no cover - more money cannot make f unaffordable
            return False
        state.fund(f, q)
        funded.add(f)
        waiting[f] = False
    for p in open_:
        if p not in funded:
            money = state.approx_available(p)
            if money > costs[p] * (1 - TOLERANCE) and state.available(p) >= costs[p]:
                return False
    return True


def fast_enough(problem: Problem) -> bool:
    """True if the compiled engine may count `problem`: numba is there, and every cost,
    satisfaction and number of voters is a whole number that float64 holds exactly (its error
    bounds assume so)."""
    exact = 2**53
    return (
        COMPILED
        and fast.AVAILABLE
        and problem.voters < exact
        and all(0 <= c < exact for c in problem.costs)
        and all(0 < u < exact for u in problem.utils)
    )


def add1(problem: Problem, total_budget: int, *, until_overspending=False, report=None) -> Run:
    """MES completed by Add1: raise each voter's budget by 1 from total/voters and rerun.

    Stops as pabutools does at the first outcome that leaves no affordable project out
    (exhaustive), returning the one before if an outcome would overspend; with
    `until_overspending`, ignores exhaustiveness and returns the last outcome that does not
    overspend. Budgets at which the outcome provably stays the same are skipped: ranges are
    proven from both ends by the compiled engine (`fast.prove_range`), from the lower end by
    the exact one (`same_outcome_up_to`).

    The search runs on the compiled float engine (`fast`) where its decisions are certified,
    and counts exactly wherever they are not; the run returned is always counted exactly.
    `Run.stats` tells how often each path was taken.
    """
    start = Q(total_budget, max(problem.voters, 1))
    candidates = supported(problem)
    paid = [p for p in candidates if problem.costs[p] > 0]
    free = [p for p in candidates if p not in paid]
    engine = fast.Engine(problem, candidates) if fast_enough(problem) else None
    stats = {"exact_runs": 0, "exact_probes": 0}

    def outcome(budget, reference=None):
        """(order of the funded projects, upper bounds of their rho, exact Run or None).

        reference: the same for a lower budget, which the compiled engine tries first."""
        if engine is not None:
            found = engine.run(budget, reference)[1]
            if found is not None:
                return found[0], found[1], None
        stats["exact_runs"] += 1
        counted = run(problem, budget, candidates)
        rho_high = np.array([float(r.rho) for r in counted.rounds]) * (1 + 4 * fast.EPS)
        return [r.project for r in counted.rounds], rho_high, counted

    def holds(low_step, high_step, order, counted):
        """(True if `order` is surely the outcome at every step from low_step to high_step; a
        guess of how far it holds, as a fraction of that range (above 1: no change guessed,
        the proof was too loose), or nan; the reference at
        high_step for `outcome`, or None; how many steps above low_step it surely holds).
        `counted`: the exact Run at or below low_step."""
        if engine is not None:
            return engine.prove(start + low_step, start + high_step, order)
        stats["exact_probes"] += 1
        same = same_outcome_up_to(problem, counted, start + high_step, candidates)
        return same, math.nan, None, high_step - low_step if same else 0

    def exact(budget, counted=None) -> Run:
        """The exact Run at `budget` (`counted` if already counted), with the stats."""
        if counted is None:
            stats["exact_runs"] += 1
            counted = run(problem, budget, candidates)
        if engine is not None:
            stats.update(compiled_runs=engine.runs, fallbacks=engine.fallbacks)
            stats.update(compiled_proofs=engine.proofs, two_ended=engine.two_ended)
        counted.stats = stats
        return counted

    # With this much each voter alone could pay for every project: the outcome cannot change.
    ceiling = sum(problem.costs[p] for p in paid)
    step = 0
    stride = 1
    changes = 0
    order, rho_high, counted = outcome(start)
    while True:
        spent = sum(problem.costs[p] for p in order)
        if spent > total_budget:
            if step == 0:
                return Run(start, [], free=free, stats=stats)
            return exact(start + step - 1)
        funded = set(order)
        if until_overspending:
            done = all(p in funded for p in paid) or step > ceiling
        else:
            done = all(p in funded or spent + problem.costs[p] > total_budget for p in paid)
        if done:
            return exact(start + step, counted)
        reference = (order, rho_high)
        # Find the last step with the same outcome: `good` has it; `bad`, when known, does not
        # or could not be shown to. Gallop from `step` until a range is not proven, keep the
        # part the failed proof made sure of, then prove up to a step past where it guessed
        # the outcome changes (if it does change there, that proof fails but is sure of the
        # steps before; the guesses are as often a step early as late), or a few times what
        # it was sure of if it guessed no change, else halve; if the outcome was not
        # changing there, prove up to `bad` again (a proof inside a failed one costs less
        # than counting a step). Next to `good` no proof is needed: the outcome there is
        # counted.
        good, bad, following, target = step, None, None, None
        while good < ceiling and (bad is None or bad - good > 1):
            if target is not None and good < target <= (ceiling if bad is None else bad):
                probe = target
            elif bad is None:
                probe = min(good + stride, ceiling)
            else:
                probe = (good + bad) // 2
            if probe <= good + 2:  # counting the next step costs about half a proof
                probe = good + 1
                found = outcome(start + probe, reference)
                if found[0] != order:
                    bad, following = probe, found
                    break
                proven, at_probe, counted_there = True, found[:2], True
            else:
                proven, reach, at_probe, sure = holds(good, probe, order, counted)
                counted_there = False
            if proven:
                if bad is None:
                    stride *= 2
                # Proven up to a target: the change was guessed too early, so prove the rest
                # of the failed range again, or count the next step if there is none.
                # Counted there and unchanged: the same.
                target = probe + 1 if probe == target and not counted_there else None
                if bad is not None and (counted_there or target is not None):
                    target = bad
                good = probe
                reference = at_probe or reference
            else:
                target = None
                if reach > 1.0:
                    target = min(good + sure + max(2, 3 * sure), probe - 1)
                elif not math.isnan(reach):  # ceil(...) is the guessed change
                    target = min(good + math.ceil(reach * (probe - good)) + 1, probe - 1)
                good += sure
                if target is not None:
                    target = max(target, good + 1)
                bad = probe
        # The next change is looked for three quarters of the mean distance between changes so
        # far away (galloping from the last distance took many proofs after a short one).
        changes += 1
        stride = max(1, 3 * good // (4 * changes))
        step = good + 1
        if following is not None and bad == step:
            order, rho_high, counted = following
        else:
            order, rho_high, counted = outcome(start + step, reference)
        if report:
            report(min(step, ceiling), ceiling)
