"""MES in compiled float arithmetic whose every decision carries a proof, or is refused.

`budgeting.counting.mes` decides in exact rationals; this module runs the same method on
float64 in code compiled by numba, keeping beside each float a bound on its distance from the
exact value. A decision (which project has the lowest price per unit of satisfaction, whether
a voter pays the price or all they have left, whether a project is affordable) is taken only
when the floats are farther apart than the sum of their bounds times SAFETY; otherwise the
function reports that it cannot decide and the caller counts exactly instead. Exact ties (two
projects at the same price, a voter holding exactly the price) are never decided here.

Error bounds (u = 2**-53, the unit roundoff; EPS = 2u is used everywhere, for margin):
- the per-voter budget b is rounded once: error <= EPS * b;
- a voter group's money is b minus the prices it paid in full (or exactly 0 once it paid all it
  had): each payment adds the error of that price plus the rounding of the subtraction
  (<= EPS * money, the result being smaller than the money);
- a sum of n non-negative products weight * money is off by at most the weighted sum of the
  money errors plus (n + 2) * EPS times the sum (products and additions each rounded once);
- a price q = (cost - money of the poor) / (weight of the rich) is off by the error of its
  numerator divided by the (exact, whole) rich weight, plus EPS * q for the division;
- the price is certified only if every supporter's money is clearly on its side of q (poor
  below, rich above, by more than both errors): then the exact price has the same poor voters
  and is the exact q of that partition, so the error bound above holds.

Without numba Add1 does not use this module, and the exact engine does all.
"""

import math
from importlib.util import find_spec

import numpy as np

# numba is imported when the engine is first used, not with the package: the web processes
# that import the counting rules never count.
AVAILABLE = find_spec("numba") is not None
EPS = 2.0**-52
SAFETY = 8.0  # a float decision needs a gap SAFETY times the summed error bounds

# Columns of a voter group's account.
MONEY, ERR, WEIGHT = range(3)
# Columns of a voter group's bounds of d(money)/d(budget) in `prove_range`, and its value at
# the lower budget (a guess of where outcomes change, not a bound).
SLOPE_LEAST, SLOPE_MOST, SLOPE_AT_LOW = range(3)
# Results of a price computation.
PRICED, DEAD, UNSURE = 0, 1, 2


KERNELS: list[str] = []  # the functions below, compiled together on first use
_ready = False


def _compiled(function):
    KERNELS.append(function.__name__)
    return function


def compile_kernels() -> None:
    """Replace the kernels by their compiled versions (numba loads them from its cache on disk,
    or compiles them the first time, a few seconds). They call each other through this
    module's globals, so every one of them then runs compiled."""
    global _ready
    if _ready:
        return
    from numba import njit

    for name in KERNELS:
        globals()[name] = njit(cache=True, nogil=True)(globals()[name])
    _ready = True


@_compiled
def row(ids, i, via):
    """The accounts' row of ids[i]: itself, or via[ids[i]] when accounts are kept per class of
    groups (numba compiles the two cases apart, so None costs nothing)."""
    if via is None:
        return ids[i]
    return via[ids[i]]


@_compiled
def price(cost, supporters, below, ids, ws, via, acct, safety):
    """(status, q, error of q, threshold) for a project of `cost` from its supporters' money:
    ids[i] of weight ws[i] with their money in `acct`'s row `row(ids, i, via)` (voter groups,
    or classes of groups of equal money with their summed weight), `supporters` their whole
    weight.

    status PRICED: q is within `error` of the exact price and the voters below `threshold`
    are exactly the poor ones; DEAD: certainly unaffordable; UNSURE: the floats cannot tell.
    `below` is a lower bound of the exact price (0 if none is known).
    """
    n = ids.shape[0]
    # Newton's method on the concave sum(weight * min(money, q)) from below: the poor only
    # grow. Each pass also gathers what certifies the partition it used.
    threshold = max(cost / supporters, below)
    for attempt in range(200):
        poor_money = poor_err = rich = rich_money = rich_err = 0.0
        count = 0
        poor_top = -np.inf  # the highest money + safety * error among the poor
        rich_bottom = np.inf  # the lowest money - safety * error among the rich
        rich_least = np.inf  # the lowest money among the rich
        for i in range(n):
            g = row(ids, i, via)
            w, have, off = ws[i], acct[g, MONEY], acct[g, ERR]
            if have < threshold:
                poor_money += w * have
                poor_err += w * off
                count += 1
                poor_top = max(poor_top, have + safety * off)
            else:
                rich += w
                rich_money += w * have
                rich_err += w * off
                rich_bottom = min(rich_bottom, have - safety * off)
                rich_least = min(rich_least, have)
        if attempt == 0:
            available = poor_money + rich_money
            available_err = poor_err + rich_err + (n + 2) * EPS * available
            if available + safety * available_err < cost:
                return DEAD, 0.0, 0.0, 0.0
            if available - safety * available_err <= cost:
                return UNSURE, 0.0, 0.0, 0.0
        if rich <= 0.0:
            return UNSURE, 0.0, 0.0, 0.0
        q = (cost - poor_money) / rich
        if rich_least >= q or q <= threshold:
            break
        threshold = q
    else:
        return UNSURE, 0.0, 0.0, 0.0
    # q is the price of the partition at `threshold`; it is the exact price's partition if
    # every voter is surely on its side of q.
    q_err = (poor_err + (count + 2) * EPS * (poor_money + cost)) / rich + EPS * q
    if poor_top + safety * q_err < q < rich_bottom - safety * q_err:
        return PRICED, q, q_err, threshold
    return UNSURE, 0.0, 0.0, 0.0


@_compiled
def pay(g, q, q_err, threshold, acct):
    """Voter group g pays a price q: all it has if it has less than `threshold`."""
    have = acct[g, MONEY]
    if have < threshold:
        acct[g, MONEY] = 0.0
        acct[g, ERR] = 0.0
    else:
        acct[g, ERR] += q_err + EPS * have
        acct[g, MONEY] = have - q


@_compiled
def charge(f, q, q_err, threshold, ptr, groups, acct):
    """Charge f's supporters: the poor (below `threshold`) pay all they have, the rest q;
    the weight of the rest."""
    rich = 0.0
    for i in range(ptr[f], ptr[f + 1]):
        g = groups[i]
        if acct[g, MONEY] >= threshold:
            rich += acct[g, WEIGHT]
        pay(g, q, q_err, threshold, acct)
    return rich


# Relative slack for sums over voters in `money_most` (rounding of up to millions of terms).
SUM_SLACK = 1e-9


@_compiled
def money_most(p, support, spent, budget_top):
    """An upper bound of all the money p's supporters hold: what they had at the start (a
    per-voter budget of at most `budget_top`) less spent[p], a lower bound of what they have
    paid since (`record_spent`). No pass over the voters."""
    return support[p] * budget_top * (1.0 + SUM_SLACK) - spent[p] * (1.0 - SUM_SLACK)


@_compiled
def record_spent(f, q_least, rich, support, overlap, alive, spent):
    """f was funded at an exact price of at least q_least, paid by its voters of weight `rich`
    (the others, f's poor, paid all they had): the supporters of each alive project p who
    also back f (overlap[p, f], their weight) paid at least q_least each, but for those of
    f's poor among them."""
    poor = (support[f] - rich) * (1.0 + SUM_SLACK)
    if q_least <= 0.0:
        return
    for p in range(spent.shape[0]):
        if alive[p]:
            shared = overlap[p, f] - poor
            if shared > 0.0:
                spent[p] += q_least * shared * (1.0 - SUM_SLACK)


@_compiled
def overlap_of(ptr, groups, weights):
    """overlap[p, f]: the weight of the voters who support both p and f."""
    m, n = ptr.shape[0] - 1, weights.shape[0]
    start = np.zeros(n + 1, dtype=np.int64)  # each group's projects, from the projects' lists
    for i in range(groups.shape[0]):
        start[groups[i] + 1] += 1
    for g in range(n):
        start[g + 1] += start[g]
    fill = start[:n].copy()
    projects = np.empty(groups.shape[0], dtype=np.int64)
    for p in range(m):
        for i in range(ptr[p], ptr[p + 1]):
            g = groups[i]
            projects[fill[g]] = p
            fill[g] += 1
    overlap = np.zeros((m, m))
    for g in range(n):
        for a in range(start[g], start[g + 1]):
            for b in range(start[g], start[g + 1]):
                overlap[projects[a], projects[b]] += weights[g]
    return overlap


@_compiled
def accounts(budget, budget_err, weights):
    """Per voter group: money left, its error bound, weight (one row, read together)."""
    acct = np.zeros((weights.shape[0], 3))
    for g in range(weights.shape[0]):
        acct[g, MONEY], acct[g, ERR], acct[g, WEIGHT] = budget, budget_err, weights[g]
    return acct


# A guess of how far an order holds, past the range: the gap is not guessed to close there.
LOOSE = 2.0

# Columns of the per-project table `known` in `run`.
RHO, LOW, HIGH, Q, Q_ERR, THRESHOLD = range(6)


@_compiled
def refresh(p, known, dirty, alive, costs, utils, support, ptr, groups, ews, acct, spent,
            budget_top, cache, safety):  # fmt: skip
    """Price p again into known[p]; its status (a DEAD project is no longer alive). DEAD at
    once if `cannot_pay`'s cache shows its supporters holding less than its cost in all."""
    if cache[p, 2] < costs[p]:  # money only falls: they still do
        alive[p] = False
        return DEAD
    start, end = ptr[p], ptr[p + 1]
    return refresh_from(
        p, groups[start:end], ews[start:end], known, dirty, alive, costs, utils, support, acct,
        spent, budget_top, safety,
    )  # fmt: skip


@_compiled
def refresh_from(p, ids, ws, known, dirty, alive, costs, utils, support, acct, spent,
                 budget_top, safety):  # fmt: skip
    """`refresh` from p's supporters as `price` takes them (groups or classes of groups)."""
    if money_most(p, support, spent, budget_top) < costs[p]:
        alive[p] = False
        return DEAD
    below = known[p, Q] - safety * known[p, Q_ERR]  # the price only rises
    status, q, q_err, threshold = price(costs[p], support[p], below, ids, ws, None, acct, safety)
    if status == DEAD:
        alive[p] = False
    elif status == PRICED:
        dirty[p] = False
        rho = q / utils[p]
        rho_err = safety * (q_err / utils[p] + EPS * rho)
        known[p, RHO], known[p, LOW], known[p, HIGH] = rho, rho - rho_err, rho + rho_err
        known[p, Q], known[p, Q_ERR], known[p, THRESHOLD] = q, q_err, threshold
    return status


@_compiled
def money_top(g, top, acct, safety):
    """An upper bound of voter group g's exact money: top[g], or from its account in `acct`
    when `top` is None (numba compiles the two cases apart, and then reads only one)."""
    if top is None:
        return acct[g, MONEY] + safety * acct[g, ERR]
    return top[g]


@_compiled
def cannot_pay(p, t, cache, costs, support, ptr, groups, ews, top, acct, spent, budget_top,
               safety):  # fmt: skip
    """True if p's supporters surely cannot pay its cost at price t each: the exact
    sum(weight * min(money, t)) is below the cost, or all their money is (`money_most`).
    Their money is bounded by `money_top` (the entry weights `ews` beside `groups`).

    cache[p] holds (t0, s0, money0) from the last look at p: an upper bound s0 of that sum at
    t0 and of all their money; money only falls from round to round and
    min(m, a * t) <= a * min(m, t) for a >= 1, so they bound the sum at t without a pass.
    """
    cost = costs[p]
    if support[p] * t < cost * (1.0 - 4.0 * EPS):
        return True
    if money_most(p, support, spent, budget_top) < cost:
        return True
    if cache[p, 0] < np.inf:
        bound = cache[p, 2]
        if t < np.inf:
            bound = min(cache[p, 1] * max(1.0, t / cache[p, 0]), bound)
        if bound < cost:
            return True
    spend = 0.0
    total = 0.0
    n = ptr[p + 1] - ptr[p]
    for i in range(ptr[p], ptr[p + 1]):
        high = money_top(groups[i], top, acct, safety)
        spend += ews[i] * min(high, t)
        total += ews[i] * high
    cache[p, 0] = t
    cache[p, 1] = spend * (1.0 + (n + 4) * EPS)
    cache[p, 2] = total * (1.0 + (n + 4) * EPS)
    return cache[p, 1] < cost


@_compiled
def fund(f, count, order, rho_high, known, alive, dirty, ptr, groups, acct, neighbours, support,
         overlap, spent, safety):  # fmt: skip
    """Record f as funded at round `count` and charge its supporters; the next round's number."""
    order[count] = f
    rho_high[count] = known[f, HIGH]
    alive[f] = False
    q, q_err = known[f, Q], known[f, Q_ERR]
    rich = charge(f, q, q_err, known[f, THRESHOLD], ptr, groups, acct)
    record_spent(f, q - safety * q_err, rich, support, overlap, alive, spent)
    for p in range(known.shape[0]):
        if neighbours[f, p]:
            dirty[p] = True
    return count + 1


@_compiled
def run(budget, budget_err, alive0, forced, forced_rho, classes, todo, costs, utils, tie_rank,
        ptr, groups, weights, support, ews, neighbours, overlap, safety):  # fmt: skip
    """MES at per-voter `budget` (a float within `budget_err` of the exact one), first trying
    the rounds `forced` of a run at a lower budget, whose rho were at most `forced_rho` (and
    their `order_classes`).

    With the same projects funded in the same order, money left only grows with the budget
    and prices only fall: if at `budget`, with that order forced, no other project can pay
    for itself at the rho of the reference round, the forced project wins that round at every
    budget from the reference one to `budget`. So the forced rounds hold up to the first one
    where that is not shown; and if all hold and no project is left affordable at the end,
    the whole outcome is the same over that range ("proven").

    todo[k, p] is False where rival p of forced round k (k = the number of forced rounds: the
    check that nothing is left affordable) was ruled out by a failed range proof over a range
    holding `budget` (`prove_range`'s `left`): it is not looked at, and round k is then shown
    at `budget` only, not all the way from the reference budget.

    From the first forced round not shown (or from the start), MES goes on as usual, every
    decision certified. Returns (proven, certified, order, count, rho_high): proven if every
    forced round was shown; the funded projects order[:count] and for each round an upper
    bound of its exact rho; certified False when a decision was too close.
    """
    m = costs.shape[0]
    acct = accounts(budget, budget_err, weights)
    alive = alive0.copy()
    dirty = np.ones(m, dtype=np.bool_)
    # Per project: rho and certified bounds of the exact rho (it only rises as money is
    # spent, so LOW stays a lower bound when the project is dirty), price, its error, the
    # threshold below which supporters are poor.
    known = np.zeros((m, 6))
    for p in range(m):
        known[p, HIGH] = np.inf
        if alive[p]:
            known[p, LOW] = costs[p] / (support[p] * utils[p]) * (1.0 - 4.0 * EPS)
    cache = np.full((m, 3), np.inf)
    spent = np.zeros(m)  # lower bounds of what each project's supporters paid
    budget_top = budget + safety * budget_err
    order = np.zeros(m, dtype=np.int64)
    rho_high = np.zeros(m)
    count = 0
    proven = True
    for k in range(forced.shape[0]):
        f = forced[k]
        for p in range(m):
            if alive[p] and p != f and todo[k, p]:
                t = forced_rho[k] * utils[p] * (1.0 + 4.0 * EPS)
                if not cannot_pay(p, t, cache, costs, support, ptr, groups, ews, None, acct,
                                  spent, budget_top, safety):  # fmt: skip
                    proven = False
                    break
                # It cannot pay that rho: a lower bound of its own, for the rounds after.
                known[p, LOW] = max(known[p, LOW], forced_rho[k])
        if not proven:
            break
        bounds, _, members, members_weight, _ = classes  # f's supporters in classes
        ids = members[bounds[k] : bounds[k + 1]]
        ws = members_weight[bounds[k] : bounds[k + 1]]
        if refresh_from(f, ids, ws, known, dirty, alive, costs, utils, support, acct, spent,
                        budget_top, safety):  # fmt: skip
            proven = False  # not PRICED: not shown (more money cannot make f unaffordable)
            break
        for p in range(m):  # a rival ruled out by the proof: its rho is above f's here
            if alive[p] and p != f and not todo[k, p]:
                known[p, LOW] = max(known[p, LOW], known[f, LOW])
        count = fund(f, count, order, rho_high, known, alive, dirty, ptr, groups, acct, neighbours,
                     support, overlap, spent, safety)  # fmt: skip
    if proven:
        last = forced.shape[0]
        for p in range(m):
            if not alive[p] or not todo[last, p]:
                continue
            if not cannot_pay(p, np.inf, cache, costs, support, ptr, groups, ews, None, acct,
                              spent, budget_top, safety):  # fmt: skip
                proven = False
                break
        if proven:
            return True, True, order, count, rho_high
    while True:
        candidates = np.flatnonzero(alive)
        if candidates.shape[0] == 0:
            break
        ranked = candidates[np.argsort(known[candidates, LOW], kind="mergesort")]
        best = -1
        for p in ranked:
            if best >= 0 and known[p, LOW] > known[best, HIGH]:
                break
            if dirty[p]:
                status = refresh(
                    p, known, dirty, alive, costs, utils, support, ptr, groups, ews, acct, spent,
                    budget_top, cache, safety,
                )  # fmt: skip
                if status == UNSURE:
                    return False, False, order, count, rho_high
                if status == DEAD:
                    continue
            if (
                best < 0
                or known[p, RHO] < known[best, RHO]
                or (known[p, RHO] == known[best, RHO] and tie_rank[p] < tie_rank[best])
            ):
                best = p
        if best < 0:
            break
        # Certify: every other project's rho is surely above the best one's.
        for p in range(m):
            if alive[p] and p != best and known[p, LOW] <= known[best, HIGH]:
                if dirty[p]:
                    status = refresh(
                        p, known, dirty, alive, costs, utils, support, ptr, groups, ews, acct,
                        spent, budget_top, cache, safety,
                    )  # fmt: skip
                    if status == DEAD or (status == PRICED and known[p, LOW] > known[best, HIGH]):
                        continue
                return False, False, order, count, rho_high
        count = fund(
            best, count, order, rho_high, known, alive, dirty, ptr, groups, acct, neighbours,
            support, overlap, spent, safety,
        )  # fmt: skip
    return False, True, order, count, rho_high


@_compiled
def price_slope(low_threshold, high_threshold, ids, ws, via, low, high, slopes, safety):
    """Bounds (least, most) of the derivative of a project's exact price by the per-voter
    budget (its supporters: ids[i] of weight ws[i], as in `price`),
    anywhere between a lower and a higher budget where the voters below `low_threshold` in
    `low` and below `high_threshold` in `high` are exactly p's poor ones (least is -inf if it
    cannot be bounded), and the derivative just above the lower budget (a guess).

    A voter's money minus a price only grows with the budget, so between the two budgets the
    poor are at most those of the lower one and at least those of the higher one. Where the
    poor set P does not change, the price is (cost - sum_P w * money) / (weight of the rest),
    whose derivative is -sum_P w * money' / that weight; money' lies in the group's
    [SLOPE_LEAST, SLOPE_MOST] and is never negative.
    """
    poor_most = poor_least = poor_at_low = rich_least = rich_most = 0.0
    n = ids.shape[0]
    for i in range(n):
        g = row(ids, i, via)
        w = ws[i]
        poor_low = low[g, MONEY] < low_threshold
        poor_high = high[g, MONEY] < high_threshold
        if poor_high and not poor_low:
            return -np.inf, 0.0, 0.0  # not possible with exact partitions: refuse
        if poor_low:
            poor_most += w * slopes[g, SLOPE_MOST]
            poor_at_low += w * slopes[g, SLOPE_AT_LOW]
        else:
            rich_least += w
        if poor_high:
            poor_least += w * slopes[g, SLOPE_LEAST]
        else:
            rich_most += w
    if rich_least <= 0.0:
        return -np.inf, 0.0, 0.0
    slack = safety * (n + 4) * EPS
    least = -poor_most * (1.0 + slack) / rich_least * (1.0 + slack)
    most = -poor_least * (1.0 - slack) / rich_most * (1.0 - slack)
    return least, most, -poor_at_low / rich_least


@_compiled
def fund_both(parents, ws, first, low_price, high_price, least, most, at_low, low, high, slopes,
              safety):  # fmt: skip
    """Charge a project's supporters at both budgets (each price: (q, error, threshold)) and
    follow the bounds of their money's derivative, its price's derivative lying in
    [least, most] (`at_low` just above the lower budget): the rich pay it, the poor all they
    have, and a voter poor at the lower budget and rich at the higher one does either.

    Accounts are per class of equal money: the supporters in class parents[j] (of weight
    ws[j]) move to the new class first + j, which starts as a copy of it; the class's others
    stay. Returns the weight of those who paid the price at the higher budget."""
    up, down = 1.0 + safety * EPS, 1.0 - safety * EPS
    q0, q0_err, threshold0 = low_price
    q1, q1_err, threshold1 = high_price
    rich = 0.0
    for j in range(parents.shape[0]):
        g, c = first + j, parents[j]
        for column in range(3):
            low[g, column], high[g, column] = low[c, column], high[c, column]
            slopes[g, column] = slopes[c, column]
        if low[g, MONEY] >= threshold0:  # rich at the lower budget: rich all along
            slopes[g, SLOPE_LEAST] = (slopes[g, SLOPE_LEAST] - most) * down
            slopes[g, SLOPE_MOST] = (slopes[g, SLOPE_MOST] - least) * up
            slopes[g, SLOPE_AT_LOW] -= at_low
        elif high[g, MONEY] < threshold1:  # poor at the higher budget: poor all along
            slopes[g, SLOPE_LEAST] = slopes[g, SLOPE_MOST] = slopes[g, SLOPE_AT_LOW] = 0.0
        else:
            slopes[g, SLOPE_LEAST] = slopes[g, SLOPE_AT_LOW] = 0.0
            slopes[g, SLOPE_MOST] = (slopes[g, SLOPE_MOST] - least) * up
        if high[g, MONEY] >= threshold1:
            rich += ws[j]
        pay(g, q0, q0_err, threshold0, low)
        pay(g, q1, q1_err, threshold1, high)
    return rich


@_compiled
def price_both(cost, supporters, ids, ws, low_via, low, high_via, high, safety):
    """`price` at the higher budget, then at the lower one from there (the exact price only
    falls as the budget grows, so the higher budget's is a lower bound of the lower's):
    (status at the higher, status at the lower, (q, error, threshold) at the lower, the same
    at the higher). The lower is not priced (UNSURE) unless the higher is PRICED. Their
    money is in rows `row(ids, i, low_via)` of `low` and `row(ids, i, high_via)` of `high`."""
    status1, q1, q1_err, threshold1 = price(cost, supporters, 0.0, ids, ws, high_via, high, safety)
    if status1 != PRICED:
        return status1, UNSURE, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    below = q1 - safety * q1_err
    status0, q0, q0_err, threshold0 = price(cost, supporters, below, ids, ws, low_via, low, safety)
    return status1, status0, (q0, q0_err, threshold0), (q1, q1_err, threshold1)


@_compiled
def cannot_pay_for(p, costs, ptr, groups, ews, via, low, slopes, span, safety):
    """The part of the range from the lower budget over which p's supporters surely cannot pay
    its cost: what they have at the lower budget plus the most their money can grow
    (SLOPE_MOST per step of the budget) stays below it. 0 if they can pay at the lower one."""
    have = grow = 0.0
    n = ptr[p + 1] - ptr[p]
    for i in range(ptr[p], ptr[p + 1]):
        g = row(groups, i, via)
        have += ews[i] * (low[g, MONEY] + safety * low[g, ERR])
        grow += ews[i] * slopes[g, SLOPE_MOST]
    have *= 1.0 + (n + 4) * EPS
    grow *= 1.0 + (n + 4) * EPS
    if have >= costs[p]:
        return 0.0
    if grow <= 0.0:
        return 1.0
    return (costs[p] - have) / (grow * span) * (1.0 - safety * EPS)


@_compiled
def affordable_from(p, costs, ptr, groups, ews, via, low, high):
    """Where between the two budgets (0 at the lower, 1 at the higher) p's supporters' money
    would reach its cost if it grew in a straight line; nan if it does not. A guess only."""
    at_low = at_high = 0.0
    for i in range(ptr[p], ptr[p + 1]):
        g = row(groups, i, via)
        at_low += ews[i] * low[g, MONEY]
        at_high += ews[i] * high[g, MONEY]
    if at_low < costs[p] <= at_high:
        return (costs[p] - at_low) / (at_high - at_low)
    return np.nan


@_compiled
def holds_between(p, f, rho_low, rho_low_top, rho_high, rho_high_top, least, most, at_low,
                  span, costs, utils, support, ptr, groups, ews, via, low, high, slopes,
                  safety):  # fmt: skip
    """(True if p's exact rho is above f's at every budget between the lower and the higher
    one, or p cannot pay there; else a guess of how far that holds, as a fraction of the
    range, above 1 if the gap is not guessed to close (the bounds were too loose), or nan;
    the part of the range from the lower end where it surely holds).

    f's rho is within [rho_low, rho_low_top] at the lower budget and [rho_high, rho_high_top]
    at the higher; its price's derivative lies in [least, most] (about `at_low` just above the
    lower budget). The gap rho_p - rho_f is checked at both ends and its derivative bounded
    from p's and f's: from the lower end the gap stays positive for a part gap0 / (span *
    fastest fall) of the range, from the higher end for gap1 / (span * fastest rise); if the
    two parts cover the range, it holds all along; the part from the lower end holds anyway.

    Accounts and slopes are per class (row via[g] for group g).
    """
    ids, ws = groups[ptr[p] : ptr[p + 1]], ews[ptr[p] : ptr[p + 1]]
    at_high, at_low_p, (q0, q0_err, threshold0), (q1, q1_err, threshold1) = price_both(
        costs[p], support[p], ids, ws, via, low, via, high, safety
    )
    if at_high == DEAD:
        return True, np.nan, 1.0  # not affordable at the higher budget, so nowhere below it
    if at_high == UNSURE:
        return False, np.nan, 0.0
    if at_low_p != PRICED:
        guess = affordable_from(p, costs, ptr, groups, ews, via, low, high)
        if at_low_p == DEAD:  # unaffordable until its supporters' money can reach its cost
            certain = cannot_pay_for(p, costs, ptr, groups, ews, via, low, slopes, span, safety)
            return False, guess, certain
        return False, guess, 0.0
    u, uf = utils[p], utils[f]
    r0, r1 = q0 / u, q1 / u
    gap0 = r0 - safety * (q0_err / u + EPS * r0) - rho_low_top
    gap1 = r1 - safety * (q1_err / u + EPS * r1) - rho_high_top
    least_p, most_p, at_low_of_p = price_slope(
        threshold0, threshold1, ids, ws, via, low, high, slopes, safety
    )
    # A guess of where the gap closes, for when it is not shown to stay open.
    slope = (at_low_of_p / u - at_low / uf) * span
    guess = where_gap_closes(r0 - rho_low, slope, r1 - rho_high)
    if gap0 <= 0.0 or least_p == -np.inf:
        return False, guess, 0.0
    # Bounds of the derivative of rho_p - rho_f (most and most_p are at most 0).
    falls = least_p / u - most / uf
    rises = most_p / u - least / uf
    falls -= safety * EPS * (abs(least_p / u) + abs(most / uf))
    rises += safety * EPS * (abs(most_p / u) + abs(least / uf))
    from_low = 1.0 if falls >= 0.0 else gap0 / (span * -falls) * (1.0 - safety * EPS)
    if gap1 <= 0.0:
        return False, guess, from_low
    if falls >= 0.0 or rises <= 0.0:  # the gap only grows from the lower end, or only shrinks
        return True, np.nan, 1.0  # to the higher
    from_high = gap1 / (span * rises) * (1.0 - safety * EPS)
    if from_low + from_high > 1.0 + safety * EPS:
        return True, np.nan, 1.0
    if np.isnan(guess):
        return False, LOOSE, from_low
    return False, max(guess, from_low), from_low


@_compiled
def where_gap_closes(gap0, slope, gap1):
    """The first point of (0, 1] where the parabola with value gap0 and slope `slope` at 0 and
    value gap1 at 1 reaches 0; nan if none (a guess of where an outcome changes)."""
    if gap0 <= 0.0:
        return 0.0
    curve = gap1 - gap0 - slope
    if curve == 0.0:
        return -gap0 / slope if slope < 0.0 and -gap0 / slope <= 1.0 else np.nan
    disc = slope * slope - 4.0 * curve * gap0
    if disc < 0.0:
        return np.nan
    root = np.sqrt(disc)
    best = np.nan
    for x in ((-slope - root) / (2.0 * curve), (-slope + root) / (2.0 * curve)):
        if 0.0 < x <= 1.0 and not x >= best:
            best = x
    return best


@_compiled
def prove_range(low_budget, low_err, high_budget, high_err, span, alive0, forced, classes,
                todo, rho_known, costs, utils, ptr, groups, weights, support, ews, overlap,
                safety):  # fmt: skip
    """Whether MES funds exactly `forced`, in that order, at every per-voter budget from
    `low_budget` to `high_budget` (floats within low_err and high_err of the exact ones,
    `span` apart exactly).

    Both budgets are counted side by side with that order forced, each price certified as in
    `run`; a forced project's supporters are priced in the classes of equal money of
    `order_classes` (`classes`: their bounds per round, one group of each, summed weights).
    Between them every voter's money and every price is monotone in the budget, and the
    engine also follows bounds of their derivatives (`price_slope`, `fund_both`). In
    each round a rival is ruled out either as in `run` (it cannot pay at the higher budget at
    f's rho at the lower one) or by `holds_between`, which needs f's and its rho at both ends
    and those bounds; after the last round no project may be affordable at the higher budget.

    todo[k, p] is False where rival p of round k (k = the number of forced rounds: the check
    that nothing is left affordable) is already known to be ruled out over a range holding this
    one: a statement about the exact forced order that holds on any part of its range. Such
    pairs are not looked at again, and the rounds after the last with a pair left are not
    counted: rho_known holds upper bounds of their rho at a budget at or below the lower one
    (rho only falls as the budget grows), which stand for them in rho_high and rho_low.

    Returns (proven, reach, rho_high, two_ended, sure, left, rho_low): reach, when not
    proven, guesses how far the order holds (a fraction of the range; LOOSE if no change is
    guessed in it, only not ruled out; nan if unknown); rho_high bounds each round's rho at
    the higher budget; two_ended counts the rivals ruled out by `holds_between`; sure is the
    part of the range from the lower end over which the order surely holds (1 if proven):
    the least of what each rival not ruled out leaves certain; left is `todo` less the pairs
    ruled out here, and rho_low bounds each round's rho at the lower budget, for proofs of a
    part of this range.
    """
    m = costs.shape[0]
    # Accounts at both budgets and bounds of their derivatives, per class of groups of equal
    # money (`order_classes`; klass[g] is group g's class so far), and an upper bound of the
    # higher budget's money per group too, for the quick checks of rivals (`cannot_pay`).
    bounds, parents, _, parents_weight, klass = classes
    klass = klass.copy()
    first = klass.max() + 1 if klass.shape[0] else 0  # round k's new classes: first + bounds[k]..
    rows = first + parents.shape[0]
    low, high, slopes = np.empty((rows, 3)), np.empty((rows, 3)), np.empty((rows, 3))
    for c in range(first):
        low[c, MONEY], low[c, ERR], low[c, WEIGHT] = low_budget, low_err, 0.0
        high[c, MONEY], high[c, ERR], high[c, WEIGHT] = high_budget, high_err, 0.0
        slopes[c, SLOPE_LEAST] = slopes[c, SLOPE_MOST] = slopes[c, SLOPE_AT_LOW] = 1.0
    group_top = np.full(weights.shape[0], high_budget + safety * high_err)
    renamed = np.empty(rows, dtype=np.int64)
    alive = alive0.copy()
    cache = np.full((m, 3), np.inf)
    spent = np.zeros(m)  # lower bounds of what each project's supporters paid, at the higher
    budget_top = high_budget + safety * high_err
    rho_high, rho_low = rho_known.copy(), rho_known.copy()
    two_ended = 0
    proven = True
    earliest = np.inf  # the lowest guess of how far the order holds, nan if one is unknown
    sure = 1.0
    left = np.zeros_like(todo)
    last = forced.shape[0]
    needed = last  # the rounds up to the last with a pair to look at
    if not todo[last].any():
        while needed > 0 and not todo[needed - 1].any():
            needed -= 1
    for k in range(needed):
        f = forced[k]
        ids = parents[bounds[k] : bounds[k + 1]]  # f's supporters by class
        ws = parents_weight[bounds[k] : bounds[k + 1]]
        at_high, at_low, low_price, high_price = price_both(
            costs[f], support[f], ids, ws, None, low, None, high, safety
        )
        (q0, q0_err, threshold0), (q1, q1_err, threshold1) = low_price, high_price
        least, most, slope_at_low = -np.inf, 0.0, 0.0
        if at_high == PRICED and at_low == PRICED:
            least, most, slope_at_low = price_slope(
                threshold0, threshold1, ids, ws, None, low, high, slopes, safety
            )
        if least == -np.inf:  # not priced at both ends, or its slope not bounded
            left[k:] = todo[k:]
            guess = earliest if earliest < np.inf else np.nan
            return False, guess, rho_high, two_ended, 0.0, left, rho_low
        u = utils[f]
        rho0, rho1 = q0 / u, q1 / u
        rho0_top = rho0 + safety * (q0_err / u + EPS * rho0)
        rho1_top = rho1 + safety * (q1_err / u + EPS * rho1)
        rho_high[k], rho_low[k] = rho1_top, rho0_top
        for p in range(m):
            if not alive[p] or p == f or not todo[k, p]:
                continue
            t = rho0_top * utils[p] * (1.0 + 4.0 * EPS)
            if cannot_pay(p, t, cache, costs, support, ptr, groups, ews, group_top, high, spent,
                          budget_top, safety):  # fmt: skip
                continue
            holds, reach, certain = holds_between(
                p, f, rho0, rho0_top, rho1, rho1_top, least, most, slope_at_low, span, costs, utils,
                support, ptr, groups, ews, klass, low, high, slopes, safety,
            )  # fmt: skip
            if holds:
                two_ended += 1
            else:  # go on: a later round may show an earlier change
                left[k, p] = True
                proven = False
                sure = min(sure, certain)
                if not reach >= earliest:
                    earliest = reach
        new = first + bounds[k]
        rich = fund_both(ids, ws, new, low_price, high_price, least, most, slope_at_low, low,
                         high, slopes, safety)  # fmt: skip
        for j in range(ids.shape[0]):
            renamed[ids[j]] = new + j
        for i in range(ptr[f], ptr[f + 1]):
            g = groups[i]
            c = renamed[klass[g]]
            klass[g] = c
            group_top[g] = high[c, MONEY] + safety * high[c, ERR]
        alive[f] = False
        record_spent(f, q1 - safety * q1_err, rich, support, overlap, alive, spent)
    for p in range(m):
        if not alive[p] or not todo[last, p]:
            continue
        if not cannot_pay(p, np.inf, cache, costs, support, ptr, groups, ews, group_top, high,
                          spent, budget_top, safety):  # fmt: skip
            left[last, p] = True
            proven = False
            certain = cannot_pay_for(p, costs, ptr, groups, ews, klass, low, slopes, span, safety)
            sure = min(sure, certain)
            reach = affordable_from(p, costs, ptr, groups, ews, klass, low, high)
            if not reach >= earliest:
                earliest = reach
    sure = 1.0 if proven else sure
    return proven, (1.0 if proven else earliest), rho_high, two_ended, sure, left, rho_low


@_compiled
def order_classes(forced, ptr, groups, weights, klass):
    """The supporters of each forced project in classes of equal money: groups that support
    the same projects among those funded before it paid the same prices (or all they had) in
    the same rounds, so they hold the same money, to the last bit, at any budget.

    klass[g] is group g's class at the start (all 0; or each its own when weights are not
    whole numbers, whose sums would be rounded). Returns (bounds, parents, members,
    members_weight): in round k the supporters in class parents[j] (j from bounds[k] to
    bounds[k + 1]) move to the new class first + j, first being one above the classes at the
    start; members[j] is one group of them and members_weight[j] their summed weight.
    """
    total = 0
    for k in range(forced.shape[0]):
        total += ptr[forced[k] + 1] - ptr[forced[k]]
    klass = klass.copy()
    first = klass.max() + 1 if klass.shape[0] else 0
    renamed = np.empty(first + total, dtype=np.int64)  # a class's supporters' new class
    seen = np.full(first + total, -1, dtype=np.int64)  # the round a class was last split in
    parents = np.empty(total, dtype=np.int64)
    members = np.empty(total, dtype=np.int32)
    members_weight = np.empty(total)
    bounds = np.zeros(forced.shape[0] + 1, dtype=np.int64)
    n = 0
    for k in range(forced.shape[0]):
        f = forced[k]
        for i in range(ptr[f], ptr[f + 1]):
            g = groups[i]
            c = klass[g]
            if seen[c] != k:  # the first of f's supporters in class c: a new class
                seen[c] = k
                renamed[c] = first + n
                parents[n] = c
                members[n] = g
                members_weight[n] = 0.0
                n += 1
            members_weight[renamed[c] - first] += weights[g]
            klass[g] = renamed[c]
        bounds[k + 1] = n
    return bounds, parents[:n].copy(), members[:n].copy(), members_weight[:n].copy()


def _lexicographic(sizes, flat, place, m):
    """The groups' indices in lexicographic order of their projects' sorted places (group g
    has sizes[g] projects, listed in `flat` group after group)."""
    count = len(sizes)
    width = int(sizes.max(initial=0))
    if width == 0:
        return np.arange(count)
    # Places + 1 as big-endian numbers, 0 after a group's last: each row's bytes compare as
    # the row does (a shorter group before the longer ones it starts), so one sort will do.
    big = ">u2" if m < 2**16 - 1 else ">u4"
    top = np.iinfo(np.dtype(big)).max
    table = np.full((count, width), top, dtype=np.dtype(big).newbyteorder("="))
    rows = np.repeat(np.arange(count), sizes)
    columns = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    table[rows, columns] = place[flat] + 1
    table.sort(axis=1)
    table[table == top] = 0
    keys = table.astype(big).view(f"S{table.shape[1] * table.itemsize}").ravel()
    return np.argsort(keys, kind="stable")


class Engine:
    """A Problem's arrays as the compiled functions take them; `runs`/`fallbacks` counted."""

    def __init__(self, problem, candidates):
        compile_kernels()
        m = len(problem.costs)
        self.costs = np.asarray(problem.costs, dtype=np.float64)
        self.utils = np.asarray(problem.utils, dtype=np.float64)
        self.tie_rank = np.asarray(problem.tie_rank, dtype=np.int64)
        self.ptr = np.zeros(m + 1, dtype=np.int64)
        self.ptr[1:] = np.cumsum([len(s) for s in problem.supporters])
        # Voter groups renumbered for locality: sorted by the projects they support, the most
        # supported first, so that a project's supporters sit close together in memory.
        popular = np.argsort(-np.asarray(problem.support), kind="stable")
        place = np.empty(m, dtype=np.int64)
        place[popular] = np.arange(m)
        renumber = np.empty(len(problem.weights), dtype=np.int64)
        renumber[_lexicographic(problem.sizes, problem.flat, place, m)] = np.arange(
            len(problem.weights)
        )
        self.groups = (
            renumber[np.concatenate(problem.supporters)].astype(np.int32)
            if m
            else np.zeros(0, dtype=np.int32)
        )
        for p in range(m):
            self.groups[self.ptr[p] : self.ptr[p + 1]].sort()
        self.weights = np.zeros(len(problem.weights))
        self.weights[renumber] = problem.weights
        self.support = np.asarray(problem.support, dtype=np.float64)
        # The weight of the voters backing each pair of projects (whole numbers are summed
        # exactly; other weights a little less, to stay a lower bound).
        self.overlap = overlap_of(self.ptr, self.groups, self.weights)
        # Each supporter's weight beside it, read in the same sweep.
        self.entry_weights = self.weights[self.groups]
        # Summing a class's weights is exact only for whole weights (voter counts).
        self.whole_weights = bool(
            np.all(self.weights == np.round(self.weights)) and self.weights.sum() < 2.0**52
        )
        self._classes: dict[tuple, tuple] = {}
        # Per order, failed proofs' ranges, each inside the one before, and the pairs (round,
        # rival) each did not rule out: a proof of a part of a range looks only at those.
        self._left: dict[tuple, list[tuple]] = {}
        self._recent: list[tuple] = []  # the last orders with a failed proof
        if not self.whole_weights:
            self.overlap *= 1.0 - SUM_SLACK
        self.neighbours = np.zeros((m, m), dtype=np.bool_)
        for p, near in enumerate(problem.neighbours):
            self.neighbours[p, list(near)] = True
        self.alive = np.zeros(m, dtype=np.bool_)
        self.alive[[p for p in candidates if problem.costs[p] > 0]] = True
        self.safety = SAFETY
        self.runs = self.fallbacks = self.proofs = self.two_ended = 0

    def arrays(self):
        """The election's arrays, in the order every compiled function takes them."""
        return (
            self.costs,
            self.utils,
            self.tie_rank,
            self.ptr,
            self.groups,
            self.weights,
            self.support,
            self.entry_weights,
        )

    def run(self, budget, reference=None):
        """(proven, found) for MES at the exact per-voter `budget`.

        reference: (order, rho upper bounds) of a run at a lower budget, tried first (see
        `run`); proven: every forced round was shown at this budget (see `run`).
        found: (order, rho upper bounds) of the outcome at `budget`, None if not certified.
        """
        value = float(budget)
        forced, forced_rho = reference if reference is not None else ([], [])
        todo = self._todo(forced, budget, budget)[0]
        forced = np.asarray(forced, dtype=np.int64)
        forced_rho = np.asarray(forced_rho, dtype=np.float64)
        self.runs += 1
        proven, certified, order, count, rho_high = run(
            value, EPS * abs(value), self.alive, forced, forced_rho, self.classes(forced), todo,
            *self.arrays(), self.neighbours, self.overlap, self.safety,
        )  # fmt: skip
        if proven or certified:
            return proven, (order[:count].tolist(), rho_high[:count].copy())
        self.fallbacks += 1
        return False, None

    def classes(self, order) -> tuple:
        """`order_classes` of an order and the groups' classes at the start, kept for the
        search's next proofs and runs from the same order."""
        key = tuple(order)
        found = self._classes.get(key)
        if found is None:
            start = np.zeros(len(self.weights), dtype=np.int64)
            if not self.whole_weights:
                start = np.arange(len(self.weights), dtype=np.int64)
            forced = np.asarray(order, dtype=np.int64)
            found = (*order_classes(forced, self.ptr, self.groups, self.weights, start), start)
            if len(self._classes) > 512:
                self._classes.clear()
                self._left.clear()
            self._classes[key] = found
        return found

    def _narrowest(self, key, low, high):
        """(left, rho_low) of the narrowest failed proof of order `key` over a range holding
        `low` to `high`, or None."""
        for outer_low, outer_high, left, rho_low in reversed(self._left.get(key, [])):
            if outer_low <= low and high <= outer_high:
                return left, rho_low
        return None

    def _todo(self, order, low, high):
        """(todo, rho_known) for `prove_range`: the pairs (round, rival) of `order` not ruled
        out from `low` to `high` by a failed proof over a range holding them, and upper bounds
        of each round's rho at its lower budget; all pairs and no bounds if none was."""
        key = tuple(order)
        found = self._narrowest(key, low, high)
        if found is not None:
            return found
        todo = np.ones((len(order) + 1, len(self.costs)), dtype=np.bool_)
        # Round k's pairs depend only on the rounds up to k: those an order met just before
        # shares with this one are taken from its failed proofs.
        shared = 0
        for other in self._recent:
            common = 0
            while common < min(len(other), len(key)) and other[common] == key[common]:
                common += 1
            if common > shared and (found := self._narrowest(other, low, high)) is not None:
                shared = common
                todo[:shared] = found[0][:shared]
        return todo, np.full(len(order), np.inf)

    def prove(self, low, high, order):
        """(proven, reach, reference, sure) for the outcome `order` at every exact per-voter
        budget from `low` to `high` (a whole number of steps apart): see `prove_range`.
        reference: (order, rho upper bounds) at `high`, for `run`; sure: how many steps above
        `low` the outcome surely holds (all of them if proven)."""
        low_value, high_value = float(low), float(high)
        self.proofs += 1
        classes = self.classes(order)
        todo, rho_known = self._todo(order, low, high)
        proven, reach, rho_high, two_ended, sure, left, rho_low = prove_range(
            low_value, EPS * abs(low_value), high_value, EPS * abs(high_value),
            float(high - low), self.alive, np.asarray(order, dtype=np.int64), classes, todo,
            rho_known, self.costs, self.utils, self.ptr, self.groups, self.weights, self.support,
            self.entry_weights, self.overlap, self.safety,
        )  # fmt: skip
        if not proven:
            # Kept from the widest to the narrowest: a range is either inside or beside another.
            key = tuple(order)
            known = self._left.setdefault(key, [])
            if key not in self._recent:
                self._recent = [*self._recent[-3:], key]
            known[:] = [k for k in known if k[0] <= low and high <= k[1]][-7:]
            known.append((low, high, left, rho_low))
        self.two_ended += two_ended
        steps = high - low
        # The largest whole number of steps below sure * steps: the gap may close at that point.
        certain = steps if proven else min(math.ceil(sure * float(steps)) - 1, steps - 1)
        return proven, float(reach), (list(order), rho_high), max(int(certain), 0)
