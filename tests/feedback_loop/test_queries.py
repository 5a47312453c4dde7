"""The inboxes, the public pages and the dashboard make the same number of queries whatever
the number of cases (no query per row)."""

import pytest
from django.urls import reverse

from feedback_loop import services
from feedback_loop.models import CaseState
from feedback_loop.sources import adapter_for
from ideas.models import Idea

pytestmark = pytest.mark.django_db


def make_cases(challenge, topic, count, taskforce, member):
    for i in range(count):
        idea = Idea.objects.create(process=challenge, title=f"Idea {i}", body="b", topic=topic)
        case, _ = services.case_open(contribution=idea, adapter=adapter_for(idea))
        if i % 3 == 0:
            services.answer_draft(case=case, by=member, decision="adopted", public_text="Yes")
            services.answer_approve(case=case, by=taskforce)
            services.answer_publish(case=case, by=taskforce)


PAGES = [
    ("taskforce", lambda challenge: reverse("feedback_loop:inbox") + "?state=routed"),
    ("taskforce", lambda challenge: reverse("feedback_loop:approvals")),
    ("member", lambda challenge: reverse("feedback_loop:inbox")),
    ("member", lambda challenge: reverse("feedback_loop:department", args=["streets"])),
    (None, lambda challenge: reverse("feedback_loop:dashboard")),
    (None, lambda challenge: reverse("feedback_loop:how_used", args=[challenge.pk])),
    ("taskforce", lambda challenge: reverse("feedback_loop:export")),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_queries_do_not_grow_with_cases(
    client,
    challenge,
    rules,
    topic,
    taskforce,
    streets_member,
    who,
    url,
    django_assert_max_num_queries,
):
    from django.core.cache import cache

    user = {"taskforce": taskforce, "member": streets_member, None: None}[who]
    if user:
        client.force_login(user)
    client.get(url(challenge))  # warm-up: sessions, content types and settings are cached
    counts = []
    for size in (3, 30):
        make_cases(challenge, topic, size, taskforce, streets_member)
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(challenge))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(30):
        client.get(url(challenge))


def test_case_page_queries(
    client, challenge, rules, topic, taskforce, streets_member, django_assert_max_num_queries
):
    make_cases(challenge, topic, 1, taskforce, streets_member)
    from feedback_loop.models import Case

    case = Case.objects.get()
    assert case.state == CaseState.PUBLISHED
    client.force_login(taskforce)
    with django_assert_max_num_queries(35):
        assert client.get(reverse("feedback_loop:case", args=[case.pk])).status_code == 200


def test_grouped_case_pages_do_not_grow_with_their_answers(
    client, home_page, streets, taskforce, django_capture_on_commit_callbacks
):
    """A case grouping many survey answers: its page, the public page and the receipt lookup
    read a fixed number of rows, whatever the number of answers."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consultations.services import response_submit
    from feedback_loop.models import Case, ProcessSettings, RoutingRule
    from tests.consultations.conftest import make_consultation

    consultation = make_consultation(home_page, "open", response_mode="anonymous")
    ProcessSettings.objects.create(
        process=consultation, case_sources=["consultations.freetext"], free_text_grouping="question"
    )
    RoutingRule.objects.create(department=streets, source="consultations.freetext", priority=1)
    survey = consultation.surveys.get()
    client.force_login(taskforce)
    counts = []
    code = None
    for size in (3, 3, 60):  # the first pass warms the caches of content types and settings
        while Case.objects.filter(text="Your idea").first() is None or (
            Case.objects.get(text="Your idea").inputs.count() < size
        ):
            with django_capture_on_commit_callbacks(execute=True):
                response, _created = response_submit(
                    survey=survey,
                    respondent=None,
                    answers={"transport": "bus", "priorities": ["air"], "idea": "Shade"},
                )
            code = code or response.receipt_code
        case = Case.objects.get(text="Your idea")
        cache.clear()
        row = []
        for url in (
            reverse("feedback_loop:case", args=[case.pk]),
            reverse("feedback_loop:how_used", args=[consultation.pk]),
            reverse("feedback_loop:receipt") + f"?code={code}",
            reverse("feedback_loop:landing"),
            reverse("feedback_loop:tokens"),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[1] == counts[2], counts
