"""Benchmark of the feedback loop: routes 20,000 cases by rules, then times the taskforce inbox,
a department inbox, the approval queue, the public dashboard and a "How your input was used"
page through Django's test client (server time only).

Run from the project root against a database of its own (see bench/feedback_loop/README.md):

    SQLITE_PATH=/tmp/bench-feedback.sqlite3 .venv/bin/python -m bench.feedback_loop.run
    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB .venv/bin/python -m bench.feedback_loop.run
"""

import argparse
import datetime as dt
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
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from bench.tables import tidy_tables  # noqa: E402
from civitas.accounts.models import Role, User  # noqa: E402
from civitas.accounts.services import role_assign  # noqa: E402
from civitas.home.models import HomePage  # noqa: E402
from civitas.participation.models import District, Phase, Topic  # noqa: E402
from feedback_loop import services  # noqa: E402
from feedback_loop.dashboard import cache_key as dashboard_cache_key  # noqa: E402
from feedback_loop.models import (  # noqa: E402
    Answer,
    Case,
    CaseInput,
    CaseState,
    Department,
    RoutingRule,
)
from ideas.models import Idea, IdeaChallengePage  # noqa: E402

TARGET_P95_MS = 100.0
BATCH = 5_000


def say(text: str) -> None:
    print(text, flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def home() -> HomePage:
    found = HomePage.objects.first()
    if found is not None:
        return found
    root = Page.get_first_root_node()
    for page in root.get_children():
        if page.specific_class is Page:
            Site.objects.filter(root_page=page).delete()
            page.delete()
    page = HomePage(title="Bench city", slug="home")
    root.add_child(instance=page)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": page, "site_name": "Bench"},
    )
    return page


def seed(count: int, rng: random.Random):
    """Topics, districts, 12 departments with a member each, 60 rules, one challenge, `count`
    ideas and their cases (state new, routed afterwards)."""
    topics = [
        Topic.objects.get_or_create(slug=f"bench-topic-{i}", defaults={"name": f"Topic {i}"})[0]
        for i in range(10)
    ]
    districts = [
        District.objects.get_or_create(slug=f"bench-d-{i}", defaults={"name": f"District {i}"})[0]
        for i in range(5)
    ]
    departments = []
    members = []
    for i in range(12):
        department = Department.objects.get_or_create(
            slug=f"bench-dept-{i}", defaults={"name": f"Department {i:02d}"}
        )[0]
        departments.append(department)
        member = User.objects.get_or_create(
            email=f"bench-member-{i}@example.org", defaults={"display_name": f"Member {i}"}
        )[0]
        role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=department, by=None)
        members.append(member)
    taskforce = User.objects.get_or_create(
        email="bench-taskforce@example.org", defaults={"display_name": "Taskforce"}
    )[0]
    role_assign(user=taskforce, role=Role.TASKFORCE, by=None)
    RoutingRule.objects.all().delete()
    priority = 1
    for topic in topics[:8]:  # two topics have no rule: their cases go to triage
        for district in districts:
            RoutingRule.objects.create(
                department=rng.choice(departments),
                topic=topic,
                district=district,
                priority=priority,
            )
            priority += 1
        RoutingRule.objects.create(
            department=rng.choice(departments), topic=topic, priority=1000 + priority
        )
    challenge = IdeaChallengePage.objects.filter(slug="bench-feedback").first()
    if challenge is None:
        challenge = IdeaChallengePage(title="Bench feedback", slug="bench-feedback")
        home().add_child(instance=challenge)
        now = timezone.now()
        Phase.objects.create(
            page=challenge,
            phase_type="ideas.submit",
            starts_at=now - dt.timedelta(days=400),
            ends_at=now + dt.timedelta(days=30),
        )
    author = User.objects.get_or_create(
        email="bench-author@example.org", defaults={"display_name": "Author"}
    )[0]
    idea_type = ContentType.objects.get_for_model(Idea)
    made = 0
    started = time.perf_counter()
    while made < count:
        size = min(BATCH, count - made)
        ideas = Idea.objects.bulk_create(
            [
                Idea(
                    process=challenge,
                    author=author,
                    title=f"Idea {made + i}",
                    body="Something for the neighbourhood.",
                    topic=rng.choice(topics),
                    district=rng.choice(districts),
                )
                for i in range(size)
            ]
        )
        now = timezone.now()
        cases = Case.objects.bulk_create(
            [
                Case(
                    source="ideas.idea",
                    title=idea.title,
                    text=idea.body,
                    topic_id=idea.topic_id,
                    district_id=idea.district_id,
                    process_id=challenge.pk,
                    channel="online",
                    language="en",
                    created_at=now - dt.timedelta(days=rng.uniform(0, 360)),
                )
                for idea in ideas
            ]
        )
        CaseInput.objects.bulk_create(
            [
                CaseInput(
                    case=case,
                    source="ideas.idea",
                    content_type=idea_type,
                    object_id=idea.pk,
                    title=idea.title,
                )
                for case, idea in zip(cases, ideas, strict=True)
            ]
        )
        made += size
        say(
            f"  seeded {made:,} / {count:,} ideas and cases ({time.perf_counter() - started:.0f} s)"
        )
    return challenge, departments, members, taskforce


def seeded():
    """The challenge, departments, members and taskforce a previous run seeded (None, ...)
    when there are none)."""
    challenge = IdeaChallengePage.objects.filter(slug="bench-feedback").first()
    departments = list(Department.objects.filter(slug__startswith="bench-dept-").order_by("pk"))
    members = [
        User.objects.get(email=f"bench-member-{department.slug.rsplit('-', 1)[1]}@example.org")
        for department in departments
    ]
    taskforce = User.objects.filter(email="bench-taskforce@example.org").first()
    if challenge is None or not departments or taskforce is None:
        return None, [], [], None
    return challenge, departments, members, taskforce


def route_all(sample: int) -> list[float]:
    """Route `sample` cases one by one with the per-event service (per-case times in ms), then
    the rest with the batch service, as after an import."""
    rules = list(RoutingRule.objects.filter(active=True).order_by("priority", "pk"))
    ids = list(Case.objects.filter(state=CaseState.NEW).values_list("pk", flat=True)[:sample])
    timings = []
    for pk in ids:
        t0 = time.perf_counter()
        services.case_route(case=Case(pk=pk), rules=rules)
        timings.append((time.perf_counter() - t0) * 1000)
    say(
        f"  one by one: {len(ids):,} cases, median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms per case"
    )
    pending = Case.objects.filter(state=CaseState.NEW).count()
    t0 = time.perf_counter()
    result = services.cases_route_pending(batch_size=1000)
    took = time.perf_counter() - t0
    say(
        f"  in batches: {pending:,} cases in {took:.1f} s ({pending / max(took, 1e-6):,.0f} "
        f"cases/s): {result['routed']:,} routed, {result['triage']:,} to triage"
    )
    return timings


def answer_some(taskforce, rng: random.Random) -> None:
    """Give the dashboard a history: most routed cases answered and published, some overdue."""
    routed = list(Case.objects.filter(state=CaseState.ROUTED).values_list("pk", "created_at"))
    rng.shuffle(routed)
    publish = routed[: int(len(routed) * 0.6)]
    draft = routed[len(publish) : len(publish) + 200]
    Answer.objects.bulk_create(
        [
            Answer(case_id=pk, decision="adopted", public_text="Done.", drafted_by=taskforce)
            for pk, _created in publish + draft
        ],
        batch_size=2000,
    )
    Case.objects.bulk_update(
        [
            Case(
                pk=pk,
                state=CaseState.PUBLISHED,
                answered_at=created + dt.timedelta(days=rng.uniform(1, 60)),
            )
            for pk, created in publish
        ],
        ["state", "answered_at"],
        batch_size=1000,
    )
    Case.objects.filter(pk__in=[pk for pk, _c in draft]).update(state=CaseState.DRAFTED)
    overdue = routed[len(publish) + 200 : len(publish) + 1200]
    Case.objects.filter(pk__in=[pk for pk, _c in overdue]).update(
        due_date=timezone.localdate() - dt.timedelta(days=3)
    )


def time_page(
    client, url: str, repeat: int, *, cold: bool = False
) -> tuple[float, float, float, int]:
    """Median and p95 server time, median CPU time of this process (the database server's
    work not included: on a shared machine it shows what waiting for a core added), and the
    number of queries of one request. `cold` drops the dashboard's cached figures before each
    request, so that the cache does not hide the work of computing them (only that key: the
    cache may be a Redis database other programs use)."""
    client.get(url)  # warm-up: templates compiled, caches filled
    timings = []
    cpu = []
    queries = 0
    for _ in range(repeat):
        if cold:
            cache.delete(dashboard_cache_key())
        with CaptureQueriesContext(connection) as ctx:
            c0 = time.process_time()
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(timings), percentile(timings, 0.95), statistics.median(cpu), queries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--sample", type=int, default=500, help="cases routed one by one")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="time the pages of a database this benchmark seeded before (after a code change)",
    )
    args = parser.parse_args(argv)
    rng = random.Random(4)
    say(f"Database: {connection.vendor}")
    call_command("migrate", verbosity=0, interactive=False)
    if args.pages_only:
        challenge, departments, members, taskforce = seeded()
        if challenge is None:
            say("The database has no cases of this benchmark: run it without --pages-only.")
            return 2
    elif Case.objects.exists():
        say("The database already has cases: use an empty database for the benchmark.")
        return 2
    else:
        say(f"Seeding {args.cases:,} ideas and cases…")
        challenge, departments, members, taskforce = seed(args.cases, rng)
        say("Routing…")
        route_all(min(args.sample, args.cases))
        answer_some(taskforce, rng)
    tidy_tables()
    say(f"Load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    busiest = max(departments, key=lambda d: d.cases.count())
    member = members[departments.index(busiest)]
    pages = [
        ("taskforce inbox (triage)", taskforce, "/feedback/inbox/"),
        ("taskforce inbox (all open)", taskforce, "/feedback/inbox/?state=routed"),
        ("taskforce inbox (overdue)", taskforce, "/feedback/inbox/?overdue=on"),
        ("approval queue", taskforce, "/feedback/approvals/"),
        ("department inbox", member, f"/feedback/departments/{busiest.slug}/"),
        ("member inbox", member, "/feedback/inbox/"),
        ("dashboard", None, "/feedback/dashboard/"),
        ("dashboard (cold cache)", None, "/feedback/dashboard/"),
        ("how your input was used", None, f"/feedback/processes/{challenge.pk}/"),
    ]
    say(f"Pages ({args.repeat} requests each, server time):")
    failed = False
    for label, user, url in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, cpu, queries = time_page(
            client, url, args.repeat, cold=label.endswith("(cold cache)")
        )
        verdict = "ok" if p95 < TARGET_P95_MS else "SLOW"
        failed |= p95 >= TARGET_P95_MS
        say(
            f"  {label:<28} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
            f"CPU {cpu:6.1f} ms  {queries:3d} queries  {verdict}"
        )
    say(f"Load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
