"""Where the time of MES with Add1 goes: parsing, grouping, MES runs and proof probes.

    .venv/bin/python -m bench.budgeting_counting.add1_profile [--files NAME ...] [--rule RULE]

For each pabulib file (from $PABULIB_DIR, else ../shared/data/pabulib beside the repository):
CPU seconds to parse it, to group its ballots, and of the Add1 search, split between the full
MES runs and the probes that prove the budgets in between give the same outcome; how many of
each, the per-voter budget steps the search covered, how many different outcomes (funded
projects in order, and as sets) its runs met, and for the last run its rounds and voter
classes. CPU time (time.process_time) of this process, pinned to one core.
"""

import argparse
import os
import sys
import time

from budgeting.counting import mes, parse
from budgeting.counting.rules import Election
from tests.budgeting.counting.oracle import data_dir

DEFAULT_FILES = ["Poland_Warszawa_2026.pb", "Hungary_Budapest_2024.pb"]


class Timed:
    """Wraps a function of `mes` to count its calls and their CPU time."""

    def __init__(self, name: str):
        self.name, self.original = name, getattr(mes, name)
        self.calls, self.cpu, self.results = 0, 0.0, []

    def __call__(self, *args, **kwargs):
        started = time.process_time()
        result = self.original(*args, **kwargs)
        self.cpu += time.process_time() - started
        self.calls += 1
        self.results.append(result)
        return result


def profile(path, rule: str) -> dict:
    started = time.process_time()
    instance = parse(path)
    parsed = time.process_time()
    election = Election(instance)
    grouped = time.process_time()
    problem = election.problem(election.costs, election.tie_ranks("pabutools", None))
    prepared = time.process_time()
    runs, probes = Timed("run"), Timed("same_outcome_up_to")
    mes.run, mes.same_outcome_up_to = runs, probes
    try:
        result = mes.add1(problem, election.budget, until_overspending=rule == "mes-add1-max")
    finally:
        mes.run, mes.same_outcome_up_to = runs.original, probes.original
    counted = time.process_time()
    start = election.budget / max(election.voters, 1)
    orders = {tuple(r.funded) for r in runs.results}
    return {
        "parse": parsed - started,
        "group": grouped - parsed,
        "prepare": prepared - grouped,
        "add1": counted - prepared,
        "runs": runs.calls,
        "runs_cpu": runs.cpu,
        "probes": probes.calls,
        "probes_cpu": probes.cpu,
        "steps": float(result.budget) - start,
        "orders": len(orders),
        "sets": len({frozenset(o) for o in orders}),
        "rounds": len(result.rounds),
        "classes": result.state.size if result.state is not None else 0,
        "groups": len(election.groups),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--rule", default="mes-add1", choices=["mes-add1", "mes-add1-max"])
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    folder = data_dir()
    for name in args.files:
        path = folder / name
        if not path.is_file():
            print(f"{name}: not found in {folder}")
            continue
        f = profile(path, args.rule)
        print(
            f"{name} {args.rule}: parse {f['parse']:.2f} s, group {f['group']:.2f} s, "
            f"prepare {f['prepare']:.2f} s, Add1 {f['add1']:.2f} s CPU "
            f"({f['runs']} MES runs {f['runs_cpu']:.2f} s, {f['probes']} probes "
            f"{f['probes_cpu']:.2f} s); {f['steps']:.0f} budget steps, the runs met "
            f"{f['orders']} orders ({f['sets']} sets); last run {f['rounds']} rounds, "
            f"{f['classes']} voter classes for {f['groups']} ballot groups",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
