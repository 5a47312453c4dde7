"""Where the time of MES with Add1 goes: parsing, grouping, MES runs and range proofs.

    .venv/bin/python -m bench.budgeting_counting.add1_profile [--files NAME ...] [--rule RULE]

For each pabulib file (from $PABULIB_DIR, else ../shared/data/pabulib beside the repository):
CPU seconds to parse it, to group its ballots, and of the Add1 search, split between the full
MES runs and the proofs that the budgets in between give the same outcome (compiled range
proofs; exact probes where the compiled engine is not used); how many of each, the per-voter
budget steps the search covered, how many different outcomes (funded projects in order, and as
sets) its runs met, and for the last run its rounds and voter classes. CPU time
(time.process_time) of this process, pinned to one core.
"""

import argparse
import os
import sys
import time

from budgeting.counting import Ballot, Instance, Project, fast, mes, parse
from budgeting.counting.rules import Election
from tests.budgeting.counting.oracle import data_dir

DEFAULT_FILES = ["Poland_Warszawa_2026.pb", "Hungary_Budapest_2024.pb"]


class Timed:
    """Wraps `owner.name` (a function of `mes`, or a method of `fast.Engine`) to count its
    calls and their CPU time."""

    def __init__(self, owner, name: str):
        self.owner, self.name, self.original = owner, name, getattr(owner, name)
        self.calls, self.cpu, self.results = 0, 0.0, []
        timed = self

        def wrapper(*args, **kwargs):
            started = time.process_time()
            result = timed.original(*args, **kwargs)
            timed.cpu += time.process_time() - started
            timed.calls += 1
            timed.results.append(result)
            return result

        setattr(owner, name, wrapper)

    def restore(self):
        setattr(self.owner, self.name, self.original)


def warm() -> float:
    """CPU seconds to load (or compile, the first time) the compiled engine: an election
    whose Add1 search both runs MES and proves ranges, so that every kernel is loaded."""
    started = time.process_time()
    if fast.AVAILABLE:
        instance = Instance(
            meta={"budget": "45"},
            projects={p: Project(id=p, cost=c) for p, c in (("a", 4), ("b", 40))},
            ballots=[Ballot("1", ("a",)), Ballot("2", ("a", "b")), Ballot("3", ("b",))],
        )
        election = Election(instance)
        result = mes.add1(election.problem(election.costs, [0, 1]), 45)
        assert result.stats["compiled_proofs"] > 0
    return time.process_time() - started


def profile(path, rule: str) -> dict:
    started = time.process_time()
    instance = parse(path)
    parsed = time.process_time()
    election = Election(instance)
    grouped = time.process_time()
    problem = election.problem(election.costs, election.tie_ranks("pabutools", None))
    prepared = time.process_time()
    timers = [
        Timed(mes, "run"),
        Timed(mes, "same_outcome_up_to"),
        Timed(fast.Engine, "run"),
        Timed(fast.Engine, "prove"),
    ]
    try:
        result = mes.add1(problem, election.budget, until_overspending=rule == "mes-add1-max")
    finally:
        for timer in timers:
            timer.restore()
    counted = time.process_time()
    runs, probes, compiled, proofs = timers
    start = election.budget / max(election.voters, 1)
    orders = {tuple(r.funded) for r in runs.results}
    orders |= {tuple(found[0]) for _, found in compiled.results if found is not None}
    return {
        "parse": parsed - started,
        "group": grouped - parsed,
        "prepare": prepared - grouped,
        "add1": counted - prepared,
        "runs": runs.calls,
        "runs_cpu": runs.cpu,
        "probes": probes.calls,
        "probes_cpu": probes.cpu,
        "compiled_runs": result.stats.get("compiled_runs", 0),
        "compiled_runs_cpu": compiled.cpu,
        "compiled_proofs": proofs.calls,
        "compiled_proofs_cpu": proofs.cpu,
        "two_ended": result.stats.get("two_ended", 0),
        "fallbacks": result.stats.get("fallbacks", 0),
        "steps": float(result.budget) - start,
        "orders": len(orders),
        "sets": len({frozenset(o) for o in orders}),
        "rounds": len(result.rounds),
        "classes": result.state.size if result.state is not None else 0,
        "groups": len(election.weights),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--rule", default="mes-add1", choices=["mes-add1", "mes-add1-max"])
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    folder = data_dir()
    print(f"compiled engine loaded in {warm():.2f} s CPU (not counted below)")
    for name in args.files:
        path = folder / name
        if not path.is_file():
            print(f"{name}: not found in {folder}")
            continue
        f = profile(path, args.rule)
        print(
            f"{name} {args.rule}: parse {f['parse']:.2f} s, group {f['group']:.2f} s, "
            f"prepare {f['prepare']:.2f} s, Add1 {f['add1']:.2f} s CPU "
            f"({f['compiled_runs']} compiled MES runs, of which {f['fallbacks']} not "
            f"certified: {f['compiled_runs_cpu']:.2f} s; {f['compiled_proofs']} compiled "
            f"range proofs, {f['two_ended']} rivals ruled out from both ends: "
            f"{f['compiled_proofs_cpu']:.2f} s; "
            f"{f['runs']} exact MES runs {f['runs_cpu']:.2f} s, "
            f"{f['probes']} exact probes {f['probes_cpu']:.2f} s); "
            f"{f['steps']:.0f} budget steps, the runs met "
            f"{f['orders']} orders ({f['sets']} sets); last run {f['rounds']} rounds, "
            f"{f['classes']} voter classes for {f['groups']} ballot groups",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
