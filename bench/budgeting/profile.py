"""CPU cost of one ballot post in process: the real view through Django's test client.

Seeds a round as `run.py` does, then posts `--voters` ballots one after another through the
full middleware stack (CSRF enforced, HTTPS as the proxy says) and reports the CPU time per
post (time.process_time), the statements per post, and optionally a cProfile of the posts.

    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB \
        .venv/bin/python -m bench.budgeting.profile --voters 300 [--profile out.prof] [--lean]
"""

import argparse
import cProfile
import pstats
import secrets
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Importing the benchmark sets Django up with its settings, before any model is imported.
from bench.budgeting.run import ballot_path, say, seed
from budgeting.models import Ballot, VoterRecord


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--profile", default="", help="write a cProfile of the posts here")
    parser.add_argument("--top", type=int, default=40, help="functions shown by cumulative time")
    parser.add_argument(
        "--via",
        choices=("ballot", "page"),
        default="ballot",
        help="post to the ballot's own URL (the form's target) or to the round page's vote/",
    )
    parser.add_argument("--show-sql", action="store_true", help="print the last post's statements")
    args = parser.parse_args()

    call_command("migrate", "--noinput", verbosity=0)
    round_page, people = seed(args.voters)
    path = ballot_path(round_page, args.via)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    say(f"database: {engine}, posting to {path}")
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    warm = people[:10]
    timed = people[10:]

    def post(person):
        token = secrets.token_hex(16)
        client.cookies["sessionid"] = person["session"]
        client.cookies["csrftoken"] = token
        data = {
            "csrfmiddlewaretoken": token,
            "action": "confirm",
            "district": str(person["district"]),
            "project": [str(pk) for pk in person["picks"]],
        }
        response = client.post(path, data, secure=True, HTTP_REFERER=f"https://127.0.0.1{path}")
        if response.status_code != 302:
            raise SystemExit(f"ballot post answered {response.status_code}")
        return response

    for person in warm:
        post(person)
    # CPU time, not wall time: the machine is shared, and waits on the database are not ours.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        if profiler:
            profiler.enable()
        for person in timed:
            post(person)
        if profiler:
            profiler.disable()
        cpu = time.process_time() - started
    say(
        f"{len(timed)} posts: {1000 * cpu / len(timed):.2f} ms CPU per post,"
        f" {len(queries.captured_queries) / len(timed):.1f} statements per post"
    )
    if args.show_sql:
        per_post = len(queries.captured_queries) // len(timed)
        for query in queries.captured_queries[-per_post:]:
            say(f"  {query['sql'][:150]}")
    ballots = Ballot.objects.filter(round=round_page).count()
    roll = VoterRecord.objects.filter(round=round_page).count()
    say(f"ballots {ballots}, roll rows {roll}")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)
    return 0 if ballots == roll == args.voters else 1


if __name__ == "__main__":
    sys.exit(main())
