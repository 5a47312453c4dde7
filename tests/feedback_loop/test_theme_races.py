"""Two moderators move answers in opposite directions between the same two theme cases at
once: both moves land (real threads, real database, PostgreSQL's row locks)."""

import contextlib
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from consultations.models import Answer as SurveyAnswer
from consultations.services import answer_moderate, theme_add
from feedback_loop import services
from feedback_loop.models import CaseInput, ProcessSettings, RoutingRule
from tests.concurrency import run_together
from tests.consultations.conftest import make_consultation
from tests.feedback_loop.conftest import open_text_responses, person

pytestmark = pytest.mark.django_db(transaction=True)

FREE_TEXT = "consultations.freetext"


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


def case_of(response):
    return CaseInput.objects.select_related("case").get(object_id=response.pk, part="idea").case


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time, no row locks"
)
def test_opposite_moves_between_two_theme_cases_both_land(home_page, monkeypatch):
    from civitas.accounts.models import Role
    from feedback_loop.models import Department

    consultation = make_consultation(home_page, "open", response_mode="anonymous")
    streets = Department.objects.create(name="Streets", slug="streets", contact_email="s@x.org")
    RoutingRule.objects.create(department=streets, source=FREE_TEXT, priority=1)
    ProcessSettings.objects.create(
        process=consultation, case_sources=[FREE_TEXT], free_text_grouping="theme"
    )
    taskforce = person(Role.TASKFORCE, name="Tess")
    themes = {
        name: theme_add(consultation=consultation, name=name, by=taskforce)
        for name in ("Greenery", "Mobility")
    }
    survey = consultation.surveys.get()
    responses = open_text_responses(survey, 4)
    rows = [SurveyAnswer.objects.get(response=r, question__key="idea") for r in responses]
    for row, theme in zip(rows, ["Greenery", "Greenery", "Mobility", "Mobility"], strict=True):
        answer_moderate(answer=row, by=taskforce, themes=[themes[theme]])
    greenery, mobility = case_of(responses[0]), case_of(responses[2])
    assert greenery != mobility and case_of(responses[1]) == greenery

    # A move that held the case it leaves before asking for the case it joins would let two
    # moderators deadlock: each move waits here (a few seconds at most) for the other to have
    # taken its first lock. Moves that lock in id order never both get here at once.
    holding = threading.Barrier(2)
    first_call = threading.local()
    original = services._open_group_case

    def open_group_case_after_the_other(*args, **kwargs):
        if not getattr(first_call, "done", False):
            first_call.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                holding.wait(timeout=3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_open_group_case", open_group_case_after_the_other)

    def move(row, theme):
        return lambda: lambda: answer_moderate(answer=row, by=taskforce, themes=[themes[theme]])

    _results, errors = run_together([move(rows[0], "Mobility"), move(rows[2], "Greenery")])
    assert errors == []
    assert case_of(responses[0]) == mobility and case_of(responses[2]) == greenery
    assert case_of(responses[1]) == greenery and case_of(responses[3]) == mobility
