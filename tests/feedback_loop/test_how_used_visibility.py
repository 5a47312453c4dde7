""" "How your input was used" (and its printable version, and the home page's latest answers)
quote an input only while its owning app shows it to the public: hidden or withdrawn ideas and
survey answers that moderators hid or whose results are not public yet are counted with their
case's answer, never quoted or linked. Staff still read them on the case page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civitas.accounts.models import Role
from consultations.models import Answer as SurveyAnswer
from consultations.services import answer_moderate, response_submit
from feedback_loop import services
from feedback_loop.models import Case, ProcessSettings, RoutingRule
from feedback_loop.selectors import recent_answers
from ideas.services import idea_hide, idea_withdraw
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

from .conftest import person

pytestmark = pytest.mark.django_db

SHOWN, HIDDEN, WITHDRAWN = "Zebra crossing at the school", "Insult in a title", "Changed my mind"


def publish(case, member, taskforce, text="Done this spring."):
    services.answer_draft(case=case, by=member, decision="adopted", public_text=text)
    services.answer_approve(case=case, by=taskforce)
    services.answer_publish(case=case, by=taskforce)


@pytest.fixture
def moderator(db):
    return person(Role.MODERATOR, name="Mo")


@pytest.fixture
def three_ideas(
    submit, topic, rules, moderator, streets_member, taskforce, django_capture_on_commit_callbacks
):
    """A shown idea, a hidden one and a withdrawn one, each with a published answer."""
    ideas = {}
    for title in (SHOWN, HIDDEN, WITHDRAWN):
        author = UserFactory()
        ideas[title] = (submit(topic=topic, title=title, by=author), author)
    with django_capture_on_commit_callbacks(execute=True):
        idea_hide(idea=ideas[HIDDEN][0], by=moderator, reason="Insulting")
        idea_withdraw(idea=ideas[WITHDRAWN][0], by=ideas[WITHDRAWN][1])
    for case in Case.objects.all():
        publish(case, streets_member, taskforce, text=f"Answer to case {case.pk}.")
    return {title: idea for title, (idea, _author) in ideas.items()}


def test_hidden_and_withdrawn_ideas_are_counted_not_quoted(client, challenge, three_ideas):
    url = reverse("feedback_loop:how_used", args=[challenge.pk])
    for page in (client.get(url), client.get(url, {"print": "1"})):
        assert page.status_code == 200
        body = page.content.decode()
        assert SHOWN in body
        assert HIDDEN not in body and WITHDRAWN not in body
        for title in (HIDDEN, WITHDRAWN):
            assert three_ideas[title].get_absolute_url() not in body  # no link to it either
        assert three_ideas[SHOWN].get_absolute_url() in body
        # The cases are still there, with their answers, under a neutral name.
        assert body.count("Idea (not shown publicly)") == 2
        for case in Case.objects.all():
            assert f"Answer to case {case.pk}." in body
        assert "3 inputs; 3 answered" in body


def test_staff_still_read_hidden_and_withdrawn_input(client, taskforce, three_ideas, case_of):
    client.force_login(taskforce)
    for title in (HIDDEN, WITHDRAWN):
        page = client.get(reverse("feedback_loop:case", args=[case_of(three_ideas[title]).pk]))
        assert page.status_code == 200
        assert title in page.content.decode()
    events = case_of(three_ideas[HIDDEN]).events.values_list("action", flat=True)
    assert list(events).count("input_hidden") == 1  # heard once, not from two events


def test_the_home_page_answers_quote_no_hidden_idea(three_ideas):
    answers = recent_answers(limit=5)
    shown = [case.sample_inputs[0].title for case in answers if case.sample_inputs]
    assert shown == [SHOWN]
    assert sum(1 for case in answers if case.withheld) == 2


def test_the_page_reads_a_constant_number_of_rows_with_hidden_ideas(
    client, challenge, submit, topic, rules, moderator, django_capture_on_commit_callbacks
):
    url = reverse("feedback_loop:how_used", args=[challenge.pk])
    client.get(url)  # warm-up
    counts = []
    for size in (2, 12):
        while Case.objects.count() < size:
            idea = submit(topic=topic, title=f"Idea {Case.objects.count()}")
            if Case.objects.count() % 2:
                with django_capture_on_commit_callbacks(execute=True):
                    idea_hide(idea=idea, by=moderator, reason="Off topic")
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.fixture
def consultation(home_page):
    return make_consultation(home_page, "open", response_mode="anonymous")


@pytest.fixture
def answers(
    consultation, streets, streets_member, taskforce, moderator, django_capture_on_commit_callbacks
):
    """Three open-text answers grouped in one answered case; moderators hid one."""
    ProcessSettings.objects.create(
        process=consultation, case_sources=["consultations.freetext"], free_text_grouping="question"
    )
    RoutingRule.objects.create(department=streets, source="consultations.freetext", priority=1)
    survey = consultation.surveys.get()
    for text in ("Bike lanes", "Benches in the shade", "Something rude"):
        with django_capture_on_commit_callbacks(execute=True):
            response_submit(
                survey=survey,
                respondent=None,
                answers={"transport": "bus", "priorities": ["air"], "idea": text},
            )
    answer_moderate(
        answer=SurveyAnswer.objects.get(text="Something rude"), by=moderator, hidden=True
    )
    case = Case.objects.get(text="Your idea")
    publish(case, streets_member, taskforce, text="Benches come with the new plan.")
    return survey


def test_survey_answers_wait_for_public_results(client, consultation, answers):
    url = reverse("feedback_loop:how_used", args=[consultation.pk])
    for query in ({}, {"print": "1"}):
        body = client.get(url, query).content.decode()
        assert "3 contributions" in body  # counted
        assert "Benches come with the new plan." in body  # and answered
        for text in ("Bike lanes", "Benches in the shade", "Something rude"):
            assert text not in body
    # Once the survey shows its results, the answers the moderators left are quoted.
    answers.results_while_open = True
    answers.save()
    for query in ({}, {"print": "1"}):
        body = client.get(url, query).content.decode()
        assert "Bike lanes" in body and "Benches in the shade" in body
        assert "Something rude" not in body
        assert "3 contributions" in body


def test_staff_read_every_answer_of_the_case(client, taskforce, answers):
    client.force_login(taskforce)
    case = Case.objects.get(text="Your idea")
    body = client.get(reverse("feedback_loop:case", args=[case.pk])).content.decode()
    for text in ("Bike lanes", "Benches in the shade", "Something rude"):
        assert text in body
