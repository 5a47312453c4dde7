"""Benchmark of survey results and exports: seeds 10,000 submitted responses to a survey of 30
questions (every question type), then times the results page (server time, Django's test
client) and the full CSV and XLSX exports.

Run from the project root (see bench/consultations/README.md):

    SQLITE_PATH=/tmp/bench-consultations.sqlite3 .venv/bin/python -m bench.consultations.run
    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB .venv/bin/python -m bench.consultations.run
"""

import argparse
import io
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from civitas.accounts.models import Role, User  # noqa: E402
from civitas.accounts.services import role_assign  # noqa: E402
from civitas.home.models import HomePage  # noqa: E402
from civitas.participation.models import Channel, District, Phase  # noqa: E402
from consultations.answers import clean_answers  # noqa: E402
from consultations.exports import csv_lines, write_xlsx  # noqa: E402
from consultations.models import (  # noqa: E402
    AgeBand,
    Answer,
    ConsultationPage,
    Question,
    QuestionKind,
    Response,
    ResultCount,
    Survey,
)
from consultations.services import _answer_rows, result_counts_rebuild  # noqa: E402

TARGET_P95_MS = 200.0
TARGET_EXPORT_S = 10.0
TEXTS = ["More trees", "Safer crossings", "Cheaper buses", "=1+1", "Night trams", "Benches"]


def say(text: str) -> None:
    print(text, flush=True)


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


def question_specs() -> list[dict]:
    """30 questions: six rounds of the answerable types."""
    kinds = [
        {"kind": QuestionKind.SINGLE, "choices": "a | A\nb | B\nc | C\nd | D", "allow_other": True},
        {"kind": QuestionKind.MULTIPLE, "choices": "a | A\nb | B\nc | C\nd | D\ne | E"},
        {"kind": QuestionKind.SCALE, "min_value": 0, "max_value": 10},
        {
            "kind": QuestionKind.MATRIX,
            "rows": "r1 | One\nr2 | Two\nr3 | Three",
            "min_value": 1,
            "max_value": 5,
        },
        {"kind": QuestionKind.RANKING, "choices": "a | A\nb | B\nc | C"},
        {"kind": QuestionKind.NUMBER, "min_value": 0, "max_value": 1000},
        {"kind": QuestionKind.LONG_TEXT},
        {"kind": QuestionKind.SHORT_TEXT},
        {"kind": QuestionKind.DATE},
        {"kind": QuestionKind.SINGLE, "choices": "y | Yes\nn | No"},
    ]
    return [
        {
            **kinds[i % len(kinds)],
            "key": f"q{i:02d}",
            "text": f"Question {i}",
            "page_number": 1 + i // 10,
        }
        for i in range(30)
    ]


def random_answers(questions, rng) -> dict:
    answers = {}
    for q in questions:
        kind = q.kind
        if kind == QuestionKind.SINGLE:
            keys = [k for k, _l in q.options] + (["other"] if q.allow_other else [])
            answers[q.key] = rng.choice(keys)
            if answers[q.key] == "other":
                answers[f"{q.key}.other"] = rng.choice(TEXTS)
        elif kind == QuestionKind.MULTIPLE:
            answers[q.key] = rng.sample([k for k, _l in q.options], rng.randint(1, 3))
        elif kind == QuestionKind.SCALE:
            answers[q.key] = rng.randint(0, 10)
        elif kind == QuestionKind.MATRIX:
            answers[q.key] = {k: rng.randint(1, 5) for k, _l in q.row_options}
        elif kind == QuestionKind.RANKING:
            keys = [k for k, _l in q.options]
            rng.shuffle(keys)
            answers[q.key] = keys
        elif kind == QuestionKind.NUMBER:
            answers[q.key] = rng.randint(0, 1000)
        elif kind in (QuestionKind.LONG_TEXT, QuestionKind.SHORT_TEXT):
            answers[q.key] = rng.choice(TEXTS)
        elif kind == QuestionKind.DATE:
            answers[q.key] = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    return answers


def seed(responses: int) -> Survey:
    home = site_root()
    page = ConsultationPage.objects.filter(slug="bench-consultation").first()
    if page is None:
        page = home.add_child(
            instance=ConsultationPage(title="Bench consultation", slug="bench-consultation")
        )
        now = timezone.now()
        Phase.objects.create(
            page=page,
            phase_type="consultations.report",
            starts_at=now - timezone.timedelta(days=1),
            ends_at=now + timezone.timedelta(days=365),
        )
    survey = Survey.objects.filter(consultation=page).first()
    if survey is None:
        survey = Survey.objects.create(consultation=page, title="Bench survey")
        for order, spec in enumerate(question_specs()):
            Question.objects.create(survey=survey, sort_order=order, **spec)
    have = Response.objects.filter(survey=survey).count()
    if have >= responses:
        if not ResultCount.objects.filter(survey=survey).exists():
            say(f"  counted into {result_counts_rebuild(survey=survey):,} result rows")
        return survey
    questions = list(survey.questions.all())
    districts = list(District.objects.all()) or [
        District.objects.create(name=f"Bench district {i}", slug=f"bench-district-{i}")
        for i in range(5)
    ]
    rng = random.Random(42)
    channels = [Channel.ONLINE] * 7 + [Channel.PAPER] * 2 + [Channel.OFFLINE_EVENT]
    started = time.perf_counter()
    batch = 1000
    for start in range(have, responses, batch):
        with transaction.atomic():
            rows = []
            for _i in range(start, min(start + batch, responses)):
                answers = random_answers(questions, rng)
                cleaned, errors = clean_answers(
                    questions, answers, check={q.key for q in questions}
                )
                assert not errors, errors
                rows.append(
                    Response(
                        survey=survey,
                        process=page,
                        channel=rng.choice(channels),
                        status="submitted",
                        submitted_at=timezone.now(),
                        answers=cleaned,
                        district=rng.choice(districts),
                        age_band=rng.choice(AgeBand.values),
                        language="en",
                    )
                )
            Response.objects.bulk_create(rows)
            if connection.vendor != "postgresql":  # SQLite returns no ids from bulk_create
                rows = list(Response.objects.filter(survey=survey).order_by("-pk")[: len(rows)])
            Answer.objects.bulk_create(
                [a for r in rows for a in _answer_rows(r, questions, r.answers)], batch_size=5000
            )
        done = min(start + batch, responses)
        say(
            f"  seeded {done:>6,} / {responses:,} responses "
            f"({done / (time.perf_counter() - started):,.0f}/s)"
        )
    started = time.perf_counter()
    rows = result_counts_rebuild(survey=survey)
    say(f"  counted into {rows:,} result rows in {time.perf_counter() - started:.1f} s")
    return survey


def staff_client() -> Client:
    user = User.objects.filter(email="bench-taskforce@example.org").first()
    if user is None:
        user = User.objects.create_user(email="bench-taskforce@example.org", password="x")
        role_assign(user=user, role=Role.TASKFORCE, scope=None, by=None)
    client = Client()
    client.force_login(user)
    return client


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    say(f"Database: {connection.vendor}")
    call_command("migrate", verbosity=0, interactive=False)
    survey = seed(args.responses)
    answers = Answer.objects.filter(survey=survey).count()
    say(
        f"Survey: {Response.objects.filter(survey=survey).count():,} responses, "
        f"{survey.questions.count()} questions, {answers:,} answer rows"
    )
    client = staff_client()
    base = f"{survey.consultation.url}surveys/{survey.pk}/"
    table = []
    for label, query in (
        ("all", ""),
        ("paper", "?channel=paper"),
        ("age 30-44", "?age_band=30_44"),
    ):
        url = base + "results/" + query
        client.get(url)  # warm caches
        timings, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - started_cpu))
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        table.append(
            (
                label,
                statistics.median(timings),
                percentile(timings, 95),
                percentile(cpu, 95),
                len(queries),
            )
        )
    # Wall time includes waiting for a busy machine's cores; CPU time is this process's own work
    # (SQLite runs in-process, so it includes the queries; PostgreSQL's work is not in it).
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    say(f"\nResults page (server time through the test client, ms; load average {load:.1f})")
    say(f"{'filter':<12} {'median':>8} {'p95':>8} {'p95 cpu':>8} {'queries':>8}")
    for label, median, p95, p95_cpu, count in table:
        flag = "ok" if p95 < TARGET_P95_MS else "OVER TARGET"
        say(f"{label:<12} {median:8.1f} {p95:8.1f} {p95_cpu:8.1f} {count:8d}  {flag}")

    started = time.perf_counter()
    response = client.get(base + "csv/")
    size = sum(len(chunk) for chunk in response.streaming_content)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stream = io.BytesIO()
    rows = write_xlsx(survey, stream)
    xlsx_seconds = time.perf_counter() - started
    say("\nExports of all rows")
    say(
        f"CSV  (streamed view): {csv_seconds:6.2f} s, {size / 1e6:5.1f} MB  "
        f"{'ok' if csv_seconds < TARGET_EXPORT_S else 'OVER TARGET'}"
    )
    say(
        f"XLSX (task's writer): {xlsx_seconds:6.2f} s, {len(stream.getvalue()) / 1e6:5.1f} MB, "
        f"{rows:,} rows  {'ok' if xlsx_seconds < TARGET_EXPORT_S else 'OVER TARGET'}"
    )
    assert sum(1 for _ in csv_lines(survey)) == args.responses + 2  # BOM + header + rows


if __name__ == "__main__":
    main()
