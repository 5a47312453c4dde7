"""Benchmark of the idea pages: seeds 50,000 ideas and 500,000 supports, then times the list,
the city-wide list and the detail pages through Django's test client (server time only).

Run from the project root (see bench/ideas/README.md):

    SQLITE_PATH=/tmp/bench-ideas.sqlite3 .venv/bin/python -m bench.ideas.run
    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB .venv/bin/python -m bench.ideas.run
"""

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402

from bench.tables import tidy_tables  # noqa: E402
from civitas.accounts.models import User  # noqa: E402
from civitas.core import pagination  # noqa: E402
from civitas.home.models import HomePage  # noqa: E402
from civitas.interactions.models import Comment, Support  # noqa: E402
from civitas.participation.models import District, Phase, Topic  # noqa: E402
from ideas import counters  # noqa: E402
from ideas.models import Idea, IdeaChallengePage, IdeasIndexPage, IdeaStatus  # noqa: E402

BATCH = 10_000
SUBJECTS = ["benches", "trees", "bike lanes", "lights", "bins"]
PLACES = ["the river", "the market", "schools", "the park"]
TARGET_P95_MS = 100.0
KEPT_COUNTS = pagination.cache


def say(text: str) -> None:
    print(text, flush=True)


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-6)
    say(f"  {label}: {done:>9,} / {total:,} ({100 * done / total:5.1f} %, {rate:,.0f}/s)")


def site_root() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    for page in root.get_children():
        if page.specific_class is Page:
            Site.objects.filter(root_page=page).delete()
            page.delete()
    home = root.add_child(instance=HomePage(title="Bench city", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Bench"},
    )
    return home


def challenges(home, count: int) -> list[IdeaChallengePage]:
    found = list(IdeaChallengePage.objects.filter(slug__startswith="bench-challenge-"))
    if len(found) >= count:
        return found[:count]
    now = timezone.now()
    for number in range(len(found), count):
        page = home.add_child(
            instance=IdeaChallengePage(
                title=f"Bench challenge {number}", slug=f"bench-challenge-{number}"
            )
        )
        Phase.objects.create(
            page=page,
            phase_type="ideas.support",
            starts_at=now - timezone.timedelta(days=10),
            ends_at=now + timezone.timedelta(days=300),
        )
        found.append(page)
    if not IdeasIndexPage.objects.exists():
        home.add_child(instance=IdeasIndexPage(title="All ideas", slug="bench-all-ideas"))
    return found


def seed(ideas_total: int, supports_total: int, users_total: int, comments_total: int) -> None:
    """Bulk-insert what is missing, in batches, printing progress."""
    home = site_root()
    pages = challenges(home, 10)
    topics = [
        Topic.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Topic {i}"})[0]
        for i in range(6)
    ]
    districts = [
        District.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"District {i}"})[0]
        for i in range(8)
    ]
    rng = random.Random(42)

    have = User.objects.filter(email__endswith="@bench.invalid").count()
    if have < users_total:
        say(f"Seeding {users_total - have:,} people")
        started = time.perf_counter()
        for start in range(have, users_total, BATCH):
            stop = min(start + BATCH, users_total)
            User.objects.bulk_create(
                [
                    User(email=f"p{n}@bench.invalid", display_name=f"Person {n}")
                    for n in range(start, stop)
                ]
            )
            progress("people", stop, users_total, started)
    user_ids = list(
        User.objects.filter(email__endswith="@bench.invalid").values_list("pk", flat=True)
    )

    have = Idea.objects.filter(process__in=pages).count()
    if have < ideas_total:
        say(f"Seeding {ideas_total - have:,} ideas")
        started = time.perf_counter()
        now = timezone.now()
        statuses = list(IdeaStatus.objects.values_list("code", flat=True))
        for start in range(have, ideas_total, BATCH):
            stop = min(start + BATCH, ideas_total)
            created = Idea.objects.bulk_create(
                [
                    Idea(
                        process=pages[n % len(pages)],
                        author_id=rng.choice(user_ids),
                        title=f"Idea {n}: {rng.choice(SUBJECTS)} for {rng.choice(PLACES)}",
                        body="A longer description of what could be done and why. " * 4,
                        topic=topics[n % len(topics)],
                        district=districts[n % len(districts)],
                        status_id=statuses[n % len(statuses)],
                        created_at=now - timezone.timedelta(minutes=n),
                    )
                    for n in range(start, stop)
                ]
            )
            # bulk_create skips the search index; add the batch to it as saving would.
            get_search_backend().add_bulk(Idea, created)
            progress("ideas", stop, ideas_total, started)
    idea_ids = list(Idea.objects.filter(process__in=pages).values_list("pk", flat=True))
    idea_type = ContentType.objects.get_for_model(Idea)

    have = Support.objects.filter(target_type=idea_type).count()
    if have < supports_total:
        say(f"Seeding {supports_total - have:,} supports")
        started = time.perf_counter()
        # Each person supports a run of distinct ideas, so (idea, person) never repeats.
        per_person = supports_total // len(user_ids) + 1
        pairs = (
            (idea_ids[(offset * 7919 + k) % len(idea_ids)], user_id)
            for offset, user_id in enumerate(user_ids)
            for k in range(per_person)
        )
        done = 0
        batch = []
        for idea_id, user_id in pairs:
            if done + len(batch) >= supports_total - have:
                break
            batch.append(Support(target_type=idea_type, target_id=idea_id, user_id=user_id))
            if len(batch) == BATCH:
                Support.objects.bulk_create(batch, ignore_conflicts=True)
                done += len(batch)
                batch = []
                progress("supports", have + done, supports_total, started)
        if batch:
            Support.objects.bulk_create(batch, ignore_conflicts=True)
            done += len(batch)
            progress("supports", have + done, supports_total, started)

    have = Comment.objects.filter(target_type=idea_type).count()
    if have < comments_total:
        say(f"Seeding {comments_total - have:,} comments")
        started = time.perf_counter()
        for start in range(have, comments_total, BATCH):
            stop = min(start + BATCH, comments_total)
            Comment.objects.bulk_create(
                [
                    Comment(
                        target_type=idea_type,
                        target_id=idea_ids[n % len(idea_ids)],
                        author_id=user_ids[n % len(user_ids)],
                        body=f"Comment {n}",
                    )
                    for n in range(start, stop)
                ]
            )
            progress("comments", stop, comments_total, started)
    # Bulk inserts skip the signals that keep the stored counts: store them in one statement.
    say("Storing support and comment counts")
    counters.recount_all(Idea.objects.filter(process__in=pages))
    tidy_tables()


BUSY_COMMENTS = 2_000


def busy_idea(page) -> Idea:
    """The challenge's last idea with BUSY_COMMENTS comments (a thread a neighbourhood argues
    on), added once: its page shows one page of them whatever their number."""
    idea = Idea.objects.filter(process=page).order_by("-pk").first()
    idea_type = ContentType.objects.get_for_model(Idea)
    have = Comment.objects.filter(target_type=idea_type, target_id=idea.pk).count()
    if have < BUSY_COMMENTS:
        say(f"Adding {BUSY_COMMENTS - have:,} comments to idea {idea.pk}")
        authors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:500])
        Comment.objects.bulk_create(
            Comment(
                target_type=idea_type,
                target_id=idea.pk,
                author_id=authors[n % len(authors)],
                body=f"Busy comment {n}",
            )
            for n in range(have, BUSY_COMMENTS)
        )
        counters.recount_all(Idea.objects.filter(pk=idea.pk))
    return idea


def measure(client: Client, label: str, url: str, repeat: int, *, recount=False) -> dict:
    """Time `url` `repeat` times after one warming request; with `recount`, every request
    finds no kept list count (as the first visitor of a minute does) and counts again."""
    pagination.cache = KEPT_COUNTS
    client.get(url)  # warm caches (templates, site root paths, the list's count)
    times = []
    cpu_times = []
    queries = 0
    status = None
    # A cache that keeps nothing: every request counts the list again.
    pagination.cache = DummyCache("recount", {}) if recount else KEPT_COUNTS
    for _i in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        status = response.status_code
        queries = len(captured)
    times.sort()
    cpu_times.sort()
    rank = min(len(times) - 1, int(round(0.95 * len(times))) - 1)
    return {
        "label": label,
        "status": status,
        "queries": queries,
        "p50": statistics.median(times),
        "p95": times[rank],
        "max": times[-1],
        # CPU time of this process: on a busy machine it shows the work without the waiting
        # (with SQLite it includes the queries; PostgreSQL's work is in its own processes).
        "cpu_p95": cpu_times[rank],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=50_000)
    parser.add_argument("--supports", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)

    say(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", interactive=False, verbosity=0)
    seed(args.ideas, args.supports, args.people, args.comments)
    idea_type = ContentType.objects.get_for_model(Idea)
    say(
        f"Data: {Idea.objects.count():,} ideas, "
        f"{Support.objects.filter(target_type=idea_type).count():,} supports, "
        f"{Comment.objects.filter(target_type=idea_type).count():,} comments"
    )

    page = IdeaChallengePage.objects.filter(slug="bench-challenge-0").first()
    index = IdeasIndexPage.objects.first()
    # An idea with supports and comments (the seeding spreads them evenly).
    idea = Idea.objects.filter(process=page).order_by("pk").first()
    busy = busy_idea(page)
    topic = Topic.objects.filter(slug="bench-1").first()
    urls = [
        ("challenge list, newest", page.url),
        ("challenge list, most supported", f"{page.url}?sort=supported"),
        ("challenge list, most discussed", f"{page.url}?sort=discussed"),
        ("challenge list, random", f"{page.url}?sort=random"),
        ("challenge list, topic + page 50", f"{page.url}?topic={topic.pk}&page=50"),
        ("challenge list, search", f"{page.url}?q=benches+river"),
        ("city list, newest", index.url),
        ("city list, most supported", f"{index.url}?sort=supported"),
        ("city list, most discussed", f"{index.url}?sort=discussed"),
        ("city list, search", f"{index.url}?q=benches+river"),
        ("city list, newest, count not kept", index.url, True),
        ("idea detail", f"{idea.process.url}{idea.pk}/"),
        (f"idea detail, {BUSY_COMMENTS:,} comments", f"{busy.process.url}{busy.pk}/"),
        ("API list", "/api/v1/ideas/"),
        ("API detail", f"/api/v1/ideas/{idea.pk}"),
    ]
    client = Client()
    say("")
    say(
        f"{'page':<36} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'CPU p95':>8}"
    )
    results = []
    for label, url, *recount in urls:
        r = measure(client, label, url, args.repeat, recount=bool(recount))
        results.append(r)
        say(
            f"{r['label']:<36} {r['status']:>6} {r['queries']:>7} {r['p50']:>8.1f} "
            f"{r['p95']:>8.1f} {r['max']:>8.1f} {r['cpu_p95']:>8.1f}"
        )
    slow = [r for r in results if r["p95"] > TARGET_P95_MS or r["status"] != 200]
    say("")
    say(f"{len(slow)} page(s) above the p95 target of {TARGET_P95_MS:.0f} ms or not 200")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
