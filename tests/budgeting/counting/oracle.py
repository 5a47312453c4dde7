"""Compute pabutools' winners for every pabulib file x rule and store them as test expectations.

pabutools (GPL-3) is only a test oracle, never imported by the `budgeting` package. Run by hand
after `pip install pabutools`, on one core, each run in its own process with a time limit:

    python tests/budgeting/counting/oracle.py [--data DIR] [--limit SECONDS] [--only FILE...]

The data directory defaults to $PABULIB_DIR, else ../shared/data/pabulib beside the repository.
Results are merged into expected_pabutools.json next to this script (runs that time out are
recorded as such and keep any earlier result).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected_pabutools.json"
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))
from budgeting.counting.rules import RULES as ALL_RULES  # noqa: E402

# The city variants greedy-no-skip and greedy-threshold are not in pabutools.
RULES = tuple(r for r in ALL_RULES if r not in ("greedy-no-skip", "greedy-threshold"))


def data_dir() -> Path:
    """Where the pabulib files are: $PABULIB_DIR or ../shared/data/pabulib from the repository."""
    return Path(os.environ.get("PABULIB_DIR") or REPO.parent / "shared" / "data" / "pabulib")


def run_one(path: str, rule: str) -> list[str]:
    """pabutools' winners (sorted project ids) for one file and rule."""
    from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
    from pabutools.fractions import frac
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import lexico_tie_breaking

    instance, profile = parse_pabulib(path)
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "greedy-per-cost":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cardinality_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat)
    elif rule == "mes-approval":
        result = method_of_equal_shares(
            instance, profile.as_multiprofile(), sat_class=Cardinality_Sat
        )
    elif rule == "mes-add1":
        result = method_of_equal_shares(
            instance, profile.as_multiprofile(), sat_class=Cost_Sat, voter_budget_increment=1
        )
    elif rule == "mes-add1-greedy":
        result = completion_by_rule_combination(
            instance,
            profile.as_multiprofile(),
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )
    elif rule == "mes-add1-max":
        # Add1 until the next outcome would overspend, ignoring exhaustiveness.
        multi = profile.as_multiprofile()
        sat_profile = multi.as_sat_profile(Cost_Sat)
        supported = (
            [p for p in instance if p.cost > 0 and profile.approval_score(p) > 0]
            if hasattr(profile, "approval_score")
            else None
        )
        per_voter = frac(instance.budget_limit, profile.num_ballots())
        previous = []
        while True:
            outcome = method_of_equal_shares_scheme(
                instance,
                multi,
                sat_profile,
                per_voter,
                [],
                lexico_tie_breaking,
                binary_sat=hasattr(profile, "approval_score"),
            )
            if sum(p.cost for p in outcome) > instance.budget_limit:
                result = previous
                break
            previous = outcome
            if supported is not None and len(outcome) >= len(supported):
                result = outcome
                break
            per_voter += 1
    else:
        raise ValueError(rule)
    return sorted(p.name for p in result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--only", nargs="*", default=None, help="file names to (re)compute")
    parser.add_argument("--rules", nargs="*", default=list(RULES))
    parser.add_argument("--one", nargs=2, metavar=("FILE", "RULE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    from importlib.metadata import version

    import pabutools  # noqa: F401 - fail early when the oracle is missing

    folder = args.data or data_dir()
    files = sorted(folder.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.only:
        files = [f for f in files if f.name in args.only]
    expected = json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}
    expected["_about"] = {
        "pabutools": version("pabutools"),
        "python": sys.version.split()[0],
        "tie_breaking": "pabutools default (project ids compared as text)",
        "winners": "sorted project ids, including unsupported projects pabutools funds",
        "mes-add1-max": "per-voter budget B/n + k, k = 0, 1, ... until the outcome would overspend",
    }
    for rule in args.rules:
        for path in files:
            entry = expected.setdefault(path.name, {})
            started = time.perf_counter()
            try:
                done = subprocess.run(  # noqa: S603 - runs this very script
                    [sys.executable, __file__, "--one", str(path), rule],
                    capture_output=True,
                    text=True,
                    timeout=args.limit,
                    check=True,
                )
            except subprocess.TimeoutExpired:
                entry.setdefault("timeouts", {})[rule] = args.limit
                print(f"{path.name} {rule}: over {args.limit:.0f} s", flush=True)
            except subprocess.CalledProcessError as exc:
                print(f"{path.name} {rule}: failed\n{exc.stderr[-2000:]}", flush=True)
            else:
                seconds = round(time.perf_counter() - started, 2)
                entry[rule] = json.loads(done.stdout)
                entry.setdefault("seconds", {})[rule] = seconds
                entry.get("timeouts", {}).pop(rule, None)
                print(f"{path.name} {rule}: {seconds} s", flush=True)
            EXPECTED.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
