"""The inboxes' pages: order across pages, the number of cases taken from the counters, cases a
department contributes to, and the selects of the filter and bulk forms."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback_loop.models import Case, CaseState
from feedback_loop.views import INBOX_ORDER, PER_PAGE

pytestmark = pytest.mark.django_db


def make_case(department, *, state=CaseState.ROUTED, priority=2, due_in=None, title="Case"):
    today = timezone.localdate()
    return Case.objects.create(
        source="ideas.idea",
        title=title,
        text="Text",
        state=state,
        department=department,
        priority=priority,
        due_date=today + dt.timedelta(days=due_in) if due_in is not None else None,
    )


def listed(response):
    return [case.pk for case in response.context["cases"]]


def test_pages_follow_the_inbox_order_and_count_from_the_counters(
    client, taskforce, streets, parks
):
    for i in range(PER_PAGE + 6):
        make_case(
            streets if i % 2 else parks,
            priority=1 + i % 4,
            due_in=(i % 7) - 3,
            title=f"Case {i}",
        )
    make_case(streets, state=CaseState.DRAFTED, due_in=-1)
    make_case(None, state=CaseState.TRIAGE)
    expected = list(
        Case.objects.filter(state=CaseState.ROUTED)
        .order_by(*INBOX_ORDER)
        .values_list("pk", flat=True)
    )
    client.force_login(taskforce)
    url = reverse("feedback_loop:inbox")
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url, {"state": "routed"})
    second = client.get(url, {"state": "routed", "page": 2})
    assert listed(first) + listed(second) == expected
    assert first.context["page_obj"].paginator.count == len(expected)
    assert first.context["counts"]["total"] == len(expected)
    # The counters gave the number of cases: no separate count of the listed cases.
    assert not [
        q for q in ctx.captured_queries if '"__count" FROM "feedback_loop_case"' in q["sql"]
    ]
    # A page past the end shows the last one, as before.
    assert listed(client.get(url, {"state": "routed", "page": 99})) == listed(second)

    counts = client.get(url, {"state": ""}).context["counts"]
    today = timezone.localdate()
    open_cases = Case.objects.filter(state__in=[CaseState.ROUTED, CaseState.DRAFTED])
    assert counts == {
        "triage": 1,
        "open": open_cases.count(),
        "overdue": open_cases.filter(due_date__lt=today).count(),
        "drafted": 1,
        "total": Case.objects.count(),
    }
    overdue = client.get(url, {"overdue": "on"})
    assert set(listed(overdue)) <= set(
        open_cases.filter(due_date__lt=today).values_list("pk", flat=True)
    )
    assert overdue.context["page_obj"].paginator.count == counts["overdue"]


def test_rows_show_state_and_priority_in_words(client, taskforce, streets):
    make_case(streets, priority=4, title="Urgent one")
    client.force_login(taskforce)
    html = client.get(reverse("feedback_loop:inbox"), {"state": "routed"}).content.decode()
    assert "<td>Routed to a department</td>" in html and "<td>Urgent</td>" in html


def test_department_inbox_lists_the_cases_it_contributes_to(
    client, taskforce, streets_member, streets, parks
):
    own = make_case(streets, title="Own")
    asked = make_case(parks, title="Asked to contribute")
    asked.contributing_departments.add(streets)
    other = make_case(parks, title="Not ours")
    make_case(streets, state=CaseState.MERGED, title="Grouped away")
    client.force_login(streets_member)
    for url in (
        reverse("feedback_loop:department", args=["streets"]),
        reverse("feedback_loop:inbox"),
    ):
        response = client.get(url)
        assert set(listed(response)) == {own.pk, asked.pk}, url
        assert response.context["counts"]["total"] == 2
    assert other.pk not in listed(client.get(reverse("feedback_loop:inbox"), {"q": "Not ours"}))
    client.force_login(taskforce)
    response = client.get(reverse("feedback_loop:department", args=["streets"]))
    assert set(listed(response)) == {own.pk, asked.pk}
    response = client.get(reverse("feedback_loop:department", args=["parks"]))
    assert set(listed(response)) == {asked.pk, other.pk}
