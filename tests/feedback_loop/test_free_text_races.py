"""Concurrent open-text answers of one question settle on one case, and the same event delivered
twice at once adds one input (real threads, real database)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from consultations import signals as consultation_signals
from consultations.models import Response
from feedback_loop.models import Case, CaseInput, ProcessSettings
from tests.concurrency import run_together
from tests.consultations.conftest import make_consultation
from tests.feedback_loop.conftest import open_text_responses

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """An earlier transactional test may have flushed the database without recreating content
    types; the cache would still hand out the ids of rows that are gone."""
    ContentType.objects.clear_cache()


def deliver(response_pk: int, text: str):
    def prepare():
        response = Response.objects.select_related("survey").get(pk=response_pk)
        return lambda: consultation_signals.free_text_answered.send(
            sender=Response,
            response=response,
            question_key="idea",
            question_text="Your idea",
            text=text,
        )

    return prepare


def test_first_answers_of_a_question_at_once_make_one_case(home_page):
    consultation = make_consultation(home_page, "open", response_mode="anonymous")
    survey = consultation.surveys.get()
    # The answers exist before the process asks for cases, so each delivery below is a first.
    responses = open_text_responses(survey, 8)
    assert not Case.objects.exists()
    ProcessSettings.objects.create(
        process=consultation, case_sources=["consultations.freetext"], free_text_grouping="question"
    )
    calls = [deliver(r.pk, f"Idea {n}") for n, r in enumerate(responses)]
    calls += [deliver(responses[0].pk, "Idea 0") for _repeat in range(3)]
    _results, errors = run_together(calls)
    assert errors == []
    case = Case.objects.get()
    assert case.inputs.count() == 8
    assert CaseInput.objects.filter(object_id=responses[0].pk).count() == 1
    assert case.events.filter(action="created").count() == 1
