"""Benchmark of the participatory-budgeting counting engine against pabutools, on one core.

    .venv/bin/python -m bench.budgeting_counting.run [--data DIR] [--limit SECONDS] [--all]

For each (pabulib file, rule) it times parse + count with `budgeting.counting` (CPU time of
this process, and wall time), then runs pabutools on the same file and rule in a child process
pinned to the same core, with a time limit, and checks that both give the same winners (minus
projects no ballot names, which pabutools funds). The data directory defaults to $PABULIB_DIR,
else ../shared/data/pabulib beside the repository; without it the small files bundled with the
tests are used. pabutools is optional (`pip install pabutools`; GPL-3, never imported by the
`budgeting` package).

Targets: parse + mes-add1 on Poland_Warszawa_2026.pb and on Hungary_Budapest_2024.pb < 1 s;
any rule on Poland_Wroclaw_2015_150_-_500.pb < 2 s.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.budgeting_counting.add1_profile import warm
from budgeting.counting import parse, tally
from budgeting.counting.rules import RULES, CountingError
from tests.budgeting.counting.oracle import RULES as PABUTOOLS_RULES

REPO = Path(__file__).resolve().parents[2]
ORACLE = REPO / "tests" / "budgeting" / "counting" / "oracle.py"
BUNDLED = REPO / "tests" / "budgeting" / "counting" / "data"

TARGETS = [
    ("Poland_Warszawa_2026.pb", "mes-add1", 1.0),
    ("Hungary_Budapest_2024.pb", "mes-add1", 1.0),
    *[("Poland_Wroclaw_2015_150_-_500.pb", rule, 2.0) for rule in RULES],
]
EXTRA = [
    ("Poland_Warszawa_2026.pb", "mes", None),
    ("Poland_Warszawa_2026.pb", "greedy-threshold", None),
    ("Poland_Krakow_2024.pb", "greedy", None),
    ("Poland_Wieliczka_2023_Green_Budget.pb", "mes-add1-max", None),
    ("Netherlands_Assen_2024.pb", "mes-add1", None),
    ("Poland_Swiecie_2023.pb", "mes-add1", None),
]


def ours(path: Path, rule: str) -> tuple[float, float, list[str], set[str], str]:
    """(CPU seconds, wall seconds, winners, projects some ballot names, how Add1 counted) for
    parse + count."""
    cpu, wall = time.process_time(), time.perf_counter()
    election = parse(path)
    outcome = tally(election, rule)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    named = {c for b in election.ballots for c in b.choices}
    stats = outcome.counting
    counted = (
        f"{stats['compiled_runs']} runs, {stats['fallbacks']} exact"
        if "compiled_runs" in stats
        else (f"{stats['exact_runs']} exact runs" if stats else "")
    )
    return cpu, wall, outcome.winners, named, counted


def theirs(path: Path, rule: str, limit: float, core: int | None):
    """(seconds, winners) from pabutools in a child process, or (None, None) past the limit."""
    command = [sys.executable, str(ORACLE), "--one", str(path), rule]
    if core is not None and hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", str(core), *command]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return None, None
    return time.perf_counter() - started, json.loads(done.stdout)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for each pabutools run")
    parser.add_argument("--no-pabutools", action="store_true")
    parser.add_argument("--all", action="store_true", help="also a few other files and rules")
    parser.add_argument("--files", nargs="*", default=None, help="only these file names")
    args = parser.parse_args(argv)

    folder = args.data or Path(
        os.environ.get("PABULIB_DIR") or REPO.parent / "shared" / "data" / "pabulib"
    )
    cases = TARGETS + (EXTRA if args.all else [])
    if args.files:
        cases = [case for case in cases if case[0] in args.files]
    if not folder.is_dir():
        print(f"{folder} not found: timing the small bundled files instead (no targets)")
        folder = BUNDLED
        cases = [
            (p.name, r, None)
            for p in sorted(BUNDLED.glob("*.pb"))
            for r in ("greedy", "mes", "mes-add1")
        ]
    try:
        import pabutools  # noqa: F401
    except ImportError:
        args.no_pabutools = True
        print("pabutools is not installed: timing ours only")
    core = sorted(os.sched_getaffinity(0))[0] if hasattr(os, "sched_getaffinity") else None
    if core is not None:
        os.sched_setaffinity(0, {core})  # one core for us, the same one for pabutools

    # numba compiles the engine on its first use and caches it on disk; later processes load
    # it. Both happen here, timed apart, so that the figures below count the counting only.
    print(f"compiled engine ready in {warm():.2f} s CPU (not counted below)")
    print(
        f"{'file':40} {'rule':16} {'ours cpu':>9} {'ours wall':>9} {'pabutools':>10}  same  "
        f"{'target':20} Add1: compiled runs, runs not certified (counted exactly)"
    )
    failed = 0
    for name, rule, target in cases:
        path = folder / name
        if not path.is_file():
            print(f"{name:40} {rule:16} missing")
            continue
        try:
            cpu, wall, winners, named, counted = ours(path, rule)
        except CountingError as exc:
            print(f"{name[:40]:40} {rule:16} not counted: {exc}")
            continue
        seconds, expected = (None, None)
        if not args.no_pabutools and rule in PABUTOOLS_RULES:
            seconds, expected = theirs(path, rule, args.limit, core)
        same = (
            "-"
            if expected is None
            else ("yes" if sorted(winners) == sorted(p for p in expected if p in named) else "NO")
        )
        if expected is not None and same == "NO":
            failed += 1
        if seconds is not None:
            theirs_text = f"{seconds:9.2f}s"
        elif args.no_pabutools or rule not in PABUTOOLS_RULES:
            theirs_text = "-"
        else:
            theirs_text = f">{args.limit:.0f}s"
        verdict = "" if target is None else ("ok" if cpu < target else f"MISSED (< {target:g} s)")
        if target is not None and cpu >= target:
            failed += 1
        timing = f"{cpu:8.2f}s {wall:8.2f}s {theirs_text:>10}"
        print(f"{name[:40]:40} {rule:16} {timing}  {same:4}  {verdict:20} {counted}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
