"""Races: parallel submits and drafts of one person leave one response; votes one vote."""

import pytest
from django.contrib.contenttypes.models import ContentType

from civitas.accounts.models import User
from consultations import services
from consultations.models import Answer, Poll, PollVote, Response, Survey
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


def test_parallel_submits_of_one_person_leave_one_response(survey, resident):
    def submit(choice):
        def prepare():
            user = User.objects.get(pk=resident.pk)
            target = Survey.objects.select_related("consultation").get(pk=survey.pk)
            return lambda: services.response_submit(
                survey=target, respondent=user, answers={"transport": choice}
            )

        return prepare

    results, errors = run_together([submit("bus" if i % 2 else "car") for i in range(12)])
    assert errors == []
    assert len(results) == 12
    assert Response.objects.filter(author=resident).count() == 1
    # Exactly one set of counted answers, the last submit's.
    assert Answer.objects.count() == 1


def test_parallel_first_drafts_of_one_person_share_one_row(survey, resident):
    def draft():
        user = User.objects.get(pk=resident.pk)
        target = Survey.objects.select_related("consultation").get(pk=survey.pk)
        return lambda: services.response_draft_save(
            survey=target, respondent=user, answers={"transport": "bus"}, page=1
        )

    results, errors = run_together([draft for _ in range(10)])
    assert errors == []
    assert len({r.pk for r in results}) == 1
    assert Response.objects.count() == 1


def test_parallel_votes_of_one_person_leave_one_vote(consultation, resident):
    poll = Poll.objects.create(consultation=consultation, question="Q?", choices="a\nb")

    def vote():
        user = User.objects.get(pk=resident.pk)
        target = Poll.objects.select_related("consultation").get(pk=poll.pk)
        return lambda: services.poll_vote(poll=target, voter=user, choice="a")

    results, errors = run_together([vote for _ in range(10)])
    assert errors == []
    assert sorted(created for _vote, created in results) == [False] * 9 + [True]
    assert PollVote.objects.count() == 1
