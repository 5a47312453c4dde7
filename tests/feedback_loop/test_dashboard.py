"""The public accountability dashboard: figures checked against hand-counted cases, private and
draft processes never named, a constant number of queries, the CSV and the filter."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from feedback_loop.dashboard import figures, percentile_cont
from feedback_loop.models import Case, CaseState, Department

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def case(*, created, state=CaseState.ROUTED, answered=None, department=None, process=None, **kw):
    return Case.objects.create(
        source="ideas.idea",
        title="Input",
        text="Text",
        state=state,
        created_at=at(created),
        answered_at=at(answered) if answered else None,
        department=department,
        process=process,
        **kw,
    )


@pytest.fixture
def private_process(home_page):
    page = home_page.add_child(instance=Page(title="Secret staff plan", slug="secret"))
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    return page


@pytest.fixture
def draft_process(home_page):
    return home_page.add_child(
        instance=Page(title="Unpublished idea box", slug="draft", live=False)
    )


@pytest.fixture
def hand_made(streets, parks, challenge, private_process, draft_process):
    """Cases answered at known dates; the expected figures are counted by hand in the tests."""
    d = dt.date
    case(
        created=d(2026, 1, 5),
        answered=d(2026, 1, 7),
        state=CaseState.PUBLISHED,
        department=streets,
        process=challenge,
    )  # 2 days
    case(
        created=d(2026, 1, 10),
        answered=d(2026, 1, 20),
        state=CaseState.PUBLISHED,
        department=streets,
        process=challenge,
    )  # 10 days
    case(
        created=d(2026, 2, 2),
        answered=d(2026, 2, 6),
        state=CaseState.OUT_OF_SCOPE,
        department=streets,
        process=private_process,
    )  # 4 days
    case(
        created=d(2026, 2, 3), department=streets, process=challenge, due_date=d(2026, 2, 20)
    )  # overdue
    case(
        created=d(2026, 2, 10),
        answered=d(2026, 3, 12),
        state=CaseState.PUBLISHED,
        department=parks,
        process=draft_process,
    )  # 30 days
    case(
        created=d(2026, 3, 1),
        state=CaseState.ASSIGNED,
        department=parks,
        process=challenge,
        due_date=d(2026, 4, 1),
    )  # waiting, not late
    case(created=d(2026, 3, 2), state=CaseState.TRIAGE)
    case(created=d(2026, 1, 6), state=CaseState.MERGED, department=streets, process=challenge)
    case(
        created=d(2025, 6, 1),
        answered=d(2025, 6, 2),
        state=CaseState.PUBLISHED,
        department=streets,
        process=challenge,
    )  # before the period
    return {"streets": streets, "parks": parks, "challenge": challenge}


def numbers(row):
    keys = ("total", "answered", "response_rate", "median_days", "p90_days", "overdue")
    return tuple(row[key] for key in keys)


def test_percentile_interpolates_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([3.0], 0.9) == 3.0
    assert percentile_cont([2.0, 4.0, 10.0, 30.0], 0.5) == 7.0
    assert percentile_cont([2.0, 4.0, 10.0, 30.0], 0.9) == pytest.approx(24.0)


def test_figures_match_hand_counted_cases(hand_made):
    data = figures(months=3, today=TODAY)
    assert data["since"] == dt.date(2026, 1, 1)
    # Seven inputs (merged and older ones left out); durations 2, 4, 10 and 30 days.
    assert numbers(data["overall"]) == (7, 4, 57, 7.0, 24.0, 1)
    departments = {row["name"]: numbers(row) for row in data["departments"]}
    assert departments == {"Parks": (2, 1, 50, 30.0, 30.0, 0), "Streets": (4, 3, 75, 4.0, 8.8, 1)}
    # Only the live, public process is named; the others count in the totals above.
    assert [(row["name"], numbers(row)) for row in data["processes"]] == [
        ("Safer streets", (4, 2, 50, 6.0, 9.2, 1))
    ]
    assert data["unnamed_processes"] == 2
    assert [(row["month"], numbers(row)) for row in data["months"]] == [
        (dt.date(2026, 1, 1), (2, 2, 100, 6.0, 9.2, 0)),
        (dt.date(2026, 2, 1), (3, 2, 67, 17.0, 27.4, 1)),
        (dt.date(2026, 3, 1), (2, 0, 0, None, None, 0)),
    ]
    streets_months = next(d for d in data["department_months"] if d["name"] == "Streets")
    assert [numbers(row) for row in streets_months["months"]] == [
        (2, 2, 100, 6.0, 9.2, 0),
        (2, 1, 50, 4.0, 4.0, 1),
        (0, 0, None, None, None, 0),
    ]
    (challenge_months,) = data["process_months"]
    assert [numbers(row) for row in challenge_months["months"]] == [
        (2, 2, 100, 6.0, 9.2, 0),
        (1, 0, 0, None, None, 1),
        (1, 0, 0, None, None, 0),
    ]


def test_figures_filtered_by_department_and_process(hand_made):
    streets = figures(months=3, today=TODAY, department=hand_made["streets"])
    assert numbers(streets["overall"]) == (4, 3, 75, 4.0, 8.8, 1)
    assert [row["name"] for row in streets["departments"]] == ["Streets"]
    process = figures(months=3, today=TODAY, process=hand_made["challenge"].pk)
    assert numbers(process["overall"]) == (4, 2, 50, 6.0, 9.2, 1)
    longer = figures(months=12, today=TODAY)
    assert numbers(longer["overall"])[:2] == (8, 5) and len(longer["months"]) == 12


def recent(streets, challenge, private_process, draft_process, count=1):
    today = timezone.localdate()
    for index in range(count):
        case(
            created=today,
            answered=today,
            state=CaseState.PUBLISHED,
            department=streets,
            process=challenge,
        )
        case(
            created=today,
            state=CaseState.ROUTED,
            department=streets,
            process=private_process,
            due_date=today - dt.timedelta(days=1 + index),
        )
        case(
            created=today,
            answered=today,
            state=CaseState.PUBLISHED,
            department=streets,
            process=draft_process,
        )


def csv_table(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_private_and_draft_processes_are_never_named(
    client, streets, challenge, private_process, draft_process
):
    recent(streets, challenge, private_process, draft_process)
    page = client.get(reverse("feedback_loop:dashboard"))
    body = page.content.decode()
    csv_text = client.get(reverse("feedback_loop:dashboard_csv")).content.decode()
    api = client.get("/api/v1/feedback/dashboard").content.decode()
    for text in (body, csv_text, api):
        assert "Safer streets" in text
        assert "Secret staff plan" not in text and "Unpublished idea box" not in text
    assert page.context["data"]["overall"]["total"] == 3
    assert page.context["data"]["overall"]["overdue"] == 1
    # A hidden process cannot be chosen in the filter either.
    hidden = client.get(reverse("feedback_loop:dashboard"), {"process": private_process.pk})
    assert hidden.status_code == 400
    assert "Secret staff plan" not in hidden.content.decode()


def test_page_has_a_chart_with_title_and_description_for_each_table(
    client, streets, challenge, private_process, draft_process
):
    recent(streets, challenge, private_process, draft_process)
    page = client.get(reverse("feedback_loop:dashboard"))
    assert page.status_code == 200
    body = page.content.decode()
    for table in ("months", "departments", "processes"):
        assert f'id="{table}-table"' in body
        for chart in ("rate", "days", "overdue"):
            assert f'aria-labelledby="{table}-{chart}-title {table}-{chart}-desc"' in body
            assert f'<title id="{table}-{chart}-title">' in body
    assert "calendar days" in body


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_chart_geometry_is_not_localized(
    client, streets, challenge, private_process, draft_process, language
):
    """Coordinates are SVG numbers in every language (a decimal comma breaks the chart); the
    values written beside the bars follow the language."""
    recent(streets, challenge, private_process, draft_process)
    page = client.get(reverse("feedback_loop:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    assert page["Content-Language"] == language
    body = page.content.decode()
    geometry = re.findall(r'\s(?:x|y|width|height|viewBox)="([^"]*)"', body)
    assert len(geometry) > 50
    assert [value for value in geometry if "," in value] == []


def test_csv_has_the_tables_safe_from_formulas(
    client, streets, challenge, private_process, draft_process
):
    Department.objects.filter(pk=streets.pk).update(name="=HYPERLINK(1)")
    recent(streets, challenge, private_process, draft_process)
    response = client.get(reverse("feedback_loop:dashboard_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_table(response)
    assert rows[0][:5] == ["group", "name", "total", "answered", "response_rate_percent"]
    assert rows[1][:8] == ["overall", "", "3", "2", "67", "0.0", "0.0", "1"]
    assert ["department", "'=HYPERLINK(1)", "3", "2", "67", "0.0", "0.0", "1", ""] in rows
    month = timezone.localdate().strftime("%Y-%m")
    assert ["process", "Safer streets", "1", "1", "100", "0.0", "0.0", "0", ""] in rows
    assert ["month", "", "3", "2", "67", "0.0", "0.0", "1", month] in rows
    assert ["department_month", "'=HYPERLINK(1)", "3", "2", "67", "0.0", "0.0", "1", month] in rows
    assert ["process_month", "Safer streets", "1", "1", "100", "0.0", "0.0", "0", month] in rows
    assert sum(1 for row in rows if row[0] == "month") == 12


@pytest.mark.parametrize(
    "query",
    [
        {"department": "nowhere"},
        {"months": "7"},
        {"months": "lots"},
        {"process": "abc"},
        {"process": "999999"},
        {"department": ["streets", "parks"], "months": "-1"},
    ],
)
def test_bad_filter_is_a_400_with_a_message(client, streets, query):
    page = client.get(reverse("feedback_loop:dashboard"), query)
    assert page.status_code == 400
    body = page.content.decode()
    assert "There is a problem" in body and "The figures below are not filtered." in body
    assert client.get(reverse("feedback_loop:dashboard_csv"), query).status_code == 400


def test_filter_works_as_get_parameters(
    client, streets, parks, challenge, private_process, draft_process
):
    recent(streets, challenge, private_process, draft_process)
    case(created=timezone.localdate(), department=parks, process=challenge)
    url = reverse("feedback_loop:dashboard")
    everything = client.get(url).context["data"]["overall"]["total"]
    assert everything == 4
    streets_only = client.get(url, {"department": "streets", "months": "3"})
    assert streets_only.status_code == 200
    assert streets_only.context["data"]["overall"]["total"] == 3
    assert len(streets_only.context["data"]["months"]) == 3
    assert "Showing: Streets" in streets_only.content.decode()
    by_process = client.get(url, {"process": str(challenge.pk)})
    assert by_process.context["data"]["overall"]["total"] == 2
    rows = csv_table(client.get(reverse("feedback_loop:dashboard_csv"), {"department": "parks"}))
    assert rows[1][:4] == ["overall", "", "1", "0"]


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("feedback_loop:dashboard"),
        reverse("feedback_loop:dashboard") + "?department=streets&months=24",
        reverse("feedback_loop:dashboard_csv"),
    ],
)
def test_queries_do_not_grow_with_cases(
    client, url, streets, parks, challenge, private_process, draft_process
):
    client.get(url)
    recent(streets, challenge, private_process, draft_process, count=2)
    small = count_queries(client, url)
    recent(parks, challenge, private_process, draft_process, count=40)
    for months_ago in range(1, 14):
        case(
            created=timezone.localdate() - dt.timedelta(days=31 * months_ago),
            answered=timezone.localdate(),
            state=CaseState.PUBLISHED,
            department=parks,
            process=challenge,
        )
    large = count_queries(client, url)
    assert small == large, (small, large)
    # The filter form, the counts, the percentiles (one query per grouping on PostgreSQL) and
    # the names of departments and processes.
    assert large <= 20
