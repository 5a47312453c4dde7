"""Winners equal pabutools' (minus projects nobody supported) and the cities' official results.

Three sources, from the cheapest to the most complete:
- expected_pabutools.json, written by oracle.py (pabutools run once, by hand, with a time limit);
- pabutools itself on the small bundled files, when it is installed;
- the pabulib files of $PABULIB_DIR (or ../shared/data/pabulib beside the repository) and the
  reference outcomes stored with them, when present.
Counting the largest files with the Add1 rules takes tens of seconds; those run only with
COUNTING_SLOW=1.
"""

import json
import os
import time
from functools import cache
from pathlib import Path

import pytest

from budgeting.counting import parse, tally
from tests.budgeting.counting.oracle import EXPECTED, RULES, data_dir, run_one

DATA = Path(__file__).parent / "data"
SHARED = data_dir()
REFERENCE = SHARED / "pabutools-outcomes.json"
REFERENCE_KEYS = {
    "greedy_cost": "greedy",
    "greedy_card": "greedy-per-cost",
    "mes_cost": "mes",
    "mes_cost_add1": "mes-add1",
    "mes_cost_add1_greedy": "mes-add1-greedy",
    "mes_cost_add1_until_overspend": "mes-add1-max",
}
# (file, rule) pairs the city actually used, with pabulib's `selected` column as the answer.
OFFICIAL = [
    ("Netherlands_Assen_2024.pb", "mes-add1"),
    ("Poland_Swiecie_2023.pb", "mes-add1"),
    ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1-max"),
    ("Poland_Warszawa_2026.pb", "greedy-threshold"),
    ("Poland_Warszawa_2026_Mokotow.pb", "greedy-threshold"),
    ("Poland_Wroclaw_2015_150_-_500.pb", "greedy-no-skip"),
    ("Poland_Katowice_2023.pb", "greedy-threshold"),
]
BIG = {
    "Poland_Warszawa_2026.pb",
    "Hungary_Budapest_2024.pb",
    "Poland_Krakow_2024.pb",
    "Netherlands_Amsterdam_621.pb",
    "Poland_Katowice_2023.pb",
    "France_Toulouse_2024.pb",
}
SLOW = os.environ.get("COUNTING_SLOW") == "1"


def find(name: str) -> Path | None:
    for folder in (DATA, SHARED):
        if (folder / name).is_file():
            return folder / name
    return None


@cache
def election(path: Path):
    return parse(path)


def winners(path: Path, rule: str) -> list[str]:
    return sorted(tally(election(path), rule).winners)


def supported_only(path: Path, names) -> list[str]:
    """pabutools' winners without the projects no ballot names (pabutools funds those)."""
    named = {c for b in election(path).ballots for c in b.choices}
    return sorted(p for p in names if p in named)


def stored() -> dict:
    return json.loads(EXPECTED.read_text())


def cases(source: dict, rename=None):
    for name, results in sorted(source.items()):
        if name.startswith("_"):
            continue
        for key, value in results.items():
            rule = rename.get(key) if rename is not None else key
            if rule in RULES and isinstance(value, list):
                slow = name in BIG and rule.startswith("mes-add1")
                marks = [pytest.mark.skipif(slow and not SLOW, reason="COUNTING_SLOW=1 runs it")]
                if slow:  # the exact engine alone takes minutes on these
                    marks.append(pytest.mark.timeout(1800))
                yield pytest.param(name, rule, value, id=f"{name}-{rule}", marks=marks)


@pytest.mark.parametrize(("name", "rule", "expected"), list(cases(stored())))
def test_winners_equal_the_stored_pabutools_winners(name, rule, expected):
    path = find(name)
    if path is None:
        pytest.skip(f"{name} is not here (set PABULIB_DIR)")
    assert winners(path, rule) == supported_only(path, expected)


def test_stored_winners_cover_the_bundled_files():
    about = stored()["_about"]
    assert about["pabutools"].startswith("1.")
    for path in DATA.glob("*.pb"):
        assert {"greedy", "greedy-per-cost", "mes"} <= set(stored()[path.name])


@pytest.mark.skipif(not REFERENCE.is_file(), reason="no pabulib reference outcomes here")
@pytest.mark.parametrize(
    ("name", "rule", "expected"),
    list(cases(json.loads(REFERENCE.read_text()), REFERENCE_KEYS)) if REFERENCE.is_file() else [],
)
def test_winners_equal_the_reference_outcomes(name, rule, expected):
    path = find(name)
    assert path is not None
    assert winners(path, rule) == supported_only(path, expected)


@pytest.mark.parametrize(("name", "rule"), OFFICIAL, ids=[f"{n}-{r}" for n, r in OFFICIAL])
def test_winners_equal_the_official_results(name, rule):
    path = find(name)
    if path is None:
        pytest.skip(f"{name} is not here (set PABULIB_DIR)")
    official = sorted(p.id for p in election(path).projects.values() if p.extra["selected"] == "1")
    assert winners(path, rule) == official


# pabutools needs seconds to minutes for the Add1 rules, even on small files.
LIVE = [("Netherlands_Assen_2024.pb", rule) for rule in RULES if rule != "mes-add1-max"] + [
    (name, rule)
    for name in (
        "Poland_Swiecie_2023.pb",
        "France_Toulouse_2019.pb",
        "US_Stanford_Dataset_PB_Rochester_NY_2019_vote_rankings.pb",
    )
    for rule in ("greedy", "greedy-per-cost", "mes", "mes-approval")
]


@pytest.mark.parametrize(("name", "rule"), LIVE, ids=[f"{n}-{r}" for n, r in LIVE])
def test_winners_equal_pabutools_run_now(name, rule):
    pytest.importorskip("pabutools")
    path = DATA / name
    assert winners(path, rule) == supported_only(path, run_one(str(path), rule))


@pytest.mark.skipif(not (SHARED / "Poland_Wroclaw_2015_150_-_500.pb").is_file(), reason="no data")
@pytest.mark.parametrize("rule", RULES + ("greedy-no-skip",))
def test_any_rule_on_wroclaw_2015_within_two_seconds(rule):
    path = SHARED / "Poland_Wroclaw_2015_150_-_500.pb"
    election(path)
    started = time.process_time()
    tally(election(path), rule)
    # CPU time, so that other work on the machine does not count; the target is one core.
    assert time.process_time() - started < 2
