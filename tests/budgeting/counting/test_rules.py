"""Counting rules on small elections whose results are worked out by hand."""

import json
from fractions import Fraction

import pytest

from budgeting.counting import RULES, Ballot, Instance, Project, tally
from budgeting.counting.rules import CountingError


def election(budget, projects, ballots, vote_type="approval", **meta):
    """An Instance from {id: cost} and a list of choice lists (or (choices, points) pairs)."""
    made = []
    for i, ballot in enumerate(ballots):
        if isinstance(ballot, tuple):
            made.append(Ballot(str(i), tuple(ballot[0]), tuple(ballot[1])))
        else:
            made.append(Ballot(str(i), tuple(ballot)))
    return Instance(
        meta={"budget": str(budget), "vote_type": vote_type, **meta},
        projects={p: Project(id=p, cost=c) for p, c in projects.items()},
        ballots=made,
    )


# a: 3 votes, b: 2 votes, c: 2 votes, d: 1 vote, e: nobody.
CITY_BALLOTS = [["a", "b"], ["a", "c"], ["a", "b", "c"], ["d"]]
CITY = election(100, {"a": 60, "b": 50, "c": 30, "d": 10, "e": 5}, CITY_BALLOTS)


def test_greedy_skips_what_does_not_fit_and_never_funds_the_unsupported():
    outcome = tally(CITY, "greedy")
    # a (3) fits; b (2) does not (50 > 40) and is skipped; c (2, tie with b broken by id) fits;
    # d (1) fits; e has no supporter.
    assert outcome.winners == ["a", "c", "d"]
    assert outcome.spent == 100
    assert outcome.voter_budget is None
    kinds = {s["project"]: (s["kind"], s["reason"]) for s in outcome.steps}
    assert kinds == {
        "a": ("funded", "funded"),
        "b": ("skipped", "budget"),
        "c": ("funded", "funded"),
        "d": ("funded", "funded"),
        "e": ("rejected", "unsupported"),
    }
    b_step = next(s for s in outcome.steps if s["project"] == "b")
    assert b_step["lacked"] == 10
    assert b_step["votes"] == 2


def test_greedy_can_fund_unsupported_projects_as_pabutools_does():
    outcome = tally(election(100, {"a": 60, "e": 5}, [["a"]]), "greedy", exclude_unsupported=False)
    assert outcome.winners == ["a", "e"]


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = tally(CITY, "greedy-no-skip")
    assert outcome.winners == ["a"]
    reasons = [s["reason"] for s in outcome.steps]
    assert reasons == ["funded", "budget", "stopped", "stopped", "unsupported"]


def test_greedy_threshold_from_meta_or_argument():
    city = election(
        100,
        {"a": 60, "b": 50, "c": 30, "d": 10},
        CITY_BALLOTS,
        min_project_score_threshold="2",
    )
    assert tally(city, "greedy-threshold").winners == ["a", "c"]
    assert tally(city, "greedy-threshold", threshold=3).winners == ["a"]
    d = next(s for s in tally(city, "greedy-threshold").steps if s["project"] == "d")
    assert (d["kind"], d["reason"], d["lacked"]) == ("rejected", "threshold", 1)
    with pytest.raises(CountingError, match="needs a threshold"):
        tally(CITY, "greedy-threshold")


def test_greedy_per_cost_ranks_by_votes_per_unit_of_money():
    # a: 3/60 = 0.05, b: 2/50 = 0.04, c: 2/30 = 0.067, d: 1/10 = 0.1
    assert tally(CITY, "greedy-per-cost").winners == ["d", "c", "a"]


def test_ties_follow_the_chosen_order():
    tied = election(50, {"x2": 30, "x10": 20, "y": 50}, [["x2", "x10", "y"]])
    # pabutools compares ids as text: "x10" < "x2" < "y".
    assert tally(tied, "greedy").winners == ["x10", "x2"]
    # equalshares: lower cost first, then more votes, then the lot.
    same_cost = election(30, {"p": 30, "q": 30}, [["p", "q"]])
    assert tally(same_cost, "greedy", tie_order="equalshares").winners == ["p"]
    lot = {"p": 2, "q": 1}
    assert tally(same_cost, "greedy", tie_order="equalshares", tie_key=lot).winners == ["q"]
    assert tally(same_cost, "greedy", tie_order="custom", tie_key=lot).winners == ["q"]
    assert tally(same_cost, "mes", tie_order="custom", tie_key=lot).winners == ["q"]
    assert tally(same_cost, "mes").winners == ["p"]
    with pytest.raises(CountingError, match="no place for project 'q'"):
        tally(same_cost, "greedy", tie_order="custom", tie_key={"p": 1})
    with pytest.raises(CountingError, match="unknown tie order"):
        tally(same_cost, "greedy", tie_order="coin")


def test_mes_shares_costs_equally_among_supporters():
    # 4 voters, 25 each. a (cost 60, 3 supporters) costs each 20; b (cost 50, supporters 0 and 2)
    # is then unaffordable (5 + 5 left); c (cost 30, supporters 1 and 2: 5 + 5 left) too;
    # d (cost 10, voter 3 alone with 25) is bought.
    outcome = tally(CITY, "mes")
    assert outcome.winners == ["a", "d"]
    assert outcome.voter_budget == Fraction(25)
    funded = [s for s in outcome.steps if s["kind"] == "funded"]
    assert [(s["project"], s["price"], s["full_payers"], s["round"]) for s in funded] == [
        ("a", "20", 3, 1),
        ("d", "10", 1, 2),
    ]
    lost = {s["project"]: s for s in outcome.steps if s["kind"] == "rejected"}
    assert lost["b"]["money_left"] == "10"
    assert lost["b"]["lacked"] == "40"
    assert lost["e"]["reason"] == "unsupported"
    json.dumps(outcome.steps)  # a results page can store and render them


def test_mes_charges_poor_supporters_all_they_have():
    # 3 voters with 20 each; voter 0 also supports a cheap project, bought first (rho 10 < 43/3).
    poor = election(60, {"big": 43, "cheap": 10}, [["big", "cheap"], ["big"], ["big"]])
    outcome = tally(poor, "mes-approval")
    # big: 43/3 each is more than voter 0's 10 left, so voter 0 pays 10, the others 33/2 each.
    assert outcome.winners == ["cheap", "big"]
    big = next(s for s in outcome.steps if s["project"] == "big")
    assert (big["price"], big["full_payers"], big["capped_payers"]) == ("33/2", 2, 1)
    assert big["rho"] == "33/2"


def test_mes_add1_raises_budgets_until_exhaustive():
    # 2 voters, 10 each; a costs 12 (voter 0), b costs 8 (voter 1): plain MES buys b only,
    # leaving room for a.
    two = election(20, {"a": 12, "b": 8}, [["a"], ["b"]])
    assert tally(two, "mes").winners == ["b"]
    outcome = tally(two, "mes-add1")
    # At 12 per voter a is affordable too (rho 1 each: the tie goes to "a"), 20 is exhaustive.
    assert outcome.winners == ["a", "b"]
    assert outcome.voter_budget == 12


# 2 voters, 10 each; a and b cost 11 each, one supporter each: nothing at 10, both at 11.
OVERSPEND = election(20, {"a": 11, "b": 11}, [["a"], ["b"]])


def test_mes_add1_returns_the_last_outcome_before_overspending():
    outcome = tally(OVERSPEND, "mes-add1")
    assert outcome.winners == []
    assert outcome.voter_budget == 10
    assert tally(OVERSPEND, "mes-add1-max").winners == []


def test_mes_add1_greedy_completes_with_greedy():
    completed = tally(OVERSPEND, "mes-add1-greedy")
    assert completed.winners == ["a"]  # by votes, tie by id; b no longer fits
    assert completed.completion == "greedy"
    assert completed.voter_budget == 10
    a = next(s for s in completed.steps if s["project"] == "a")
    assert (a["kind"], a["stage"]) == ("funded", "completion")
    b = next(s for s in completed.steps if s["project"] == "b")
    assert (b["kind"], b["stage"]) == ("rejected", "mes")


def test_mes_add1_max_goes_on_past_exhaustive_outcomes():
    # 3 voters, 10 each. a (20) by voters 0-1 at rho 1/2, then b (9) by voter 2, who keeps 1:
    # c (5) is out of reach, and 29 + 5 > 30 so the outcome is exhaustive: mes-add1 stops.
    three = election(30, {"a": 20, "b": 9, "c": 5}, [["a"], ["a"], ["b", "c"]])
    first = tally(three, "mes-add1")
    assert first.winners == ["a", "b"]
    assert first.voter_budget == 10
    # mes-add1-max raises budgets on: at 14 voter 2 also buys c, 34 > 30, so it keeps 13.
    most = tally(three, "mes-add1-max")
    assert most.winners == ["a", "b"]
    assert most.voter_budget == 13


def test_ordinal_ballots_by_points_per_rank():
    ranked = election(
        10,
        {"a": 10, "b": 10, "c": 10},
        [["a", "b", "c"], ["b", "a"], ["b", "c", "a"], ["c", "a"]],
        vote_type="ordinal",
    )
    # Each project named counts one vote by default (a: 4, b: 3, c: 3).
    assert tally(ranked, "greedy").winners == ["a"]
    # Krakow's 3/2/1: a 3+2+1+2 = 8, b 2+3+3 = 8, c 1+2+3 = 6; tie a/b by id.
    assert tally(ranked, "greedy", scores=(3, 2, 1)).winners == ["a"]
    # First place only: b 2, a 1, c 1.
    assert tally(ranked, "greedy", scores=(1,)).winners == ["b"]
    step = tally(ranked, "greedy", scores=(3, 2, 1)).steps[0]
    assert (step["votes"], step["score"]) == (4, 8)


def test_cumulative_ballots_by_their_points():
    spread = election(
        10,
        {"a": 10, "b": 10},
        [(["a", "b"], [1, 2]), (["a"], [1]), (["b"], [3])],
        vote_type="cumulative",
    )
    assert tally(spread, "greedy").winners == ["a"]  # 2 supporters each: tie, "a" first
    assert tally(spread, "greedy", scores="points").winners == ["b"]  # 5 points to 2
    with pytest.raises(CountingError, match="carry no points"):
        tally(CITY, "greedy", scores="points")


def test_progress_is_reported_and_bad_requests_are_refused():
    calls = []
    tally(CITY, "mes-add1", progress=lambda done, total: calls.append((done, total)))
    assert calls
    assert calls[-1][0] == calls[-1][1]
    with pytest.raises(CountingError, match="unknown rule"):
        tally(CITY, "borda")
    with pytest.raises(CountingError, match="whole numbers"):
        tally(CITY, "greedy", scores=("three",))


def test_no_ballots_funds_nothing():
    empty = election(100, {"a": 10}, [])
    for rule in RULES:
        if rule != "greedy-threshold":
            assert tally(empty, rule).winners == []


def test_free_supported_projects_are_funded_by_mes():
    free = election(10, {"a": 0, "b": 10, "c": 0}, [["a", "b"], ["b"]])
    assert tally(free, "mes").winners == ["a", "b"]
