"""Open-text answers move between theme cases as moderators tag them
(consultations.answer_themes_changed), where a process groups its answers by theme."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from civitas.notifications.models import Notification
from consultations import signals as consultation_signals
from consultations.models import Answer as SurveyAnswer
from consultations.services import answer_moderate, response_submit, theme_add
from feedback_loop import services
from feedback_loop.models import (
    Case,
    CaseEvent,
    CaseInput,
    CaseState,
    ProcessSettings,
    RoutingRule,
)
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FREE_TEXT = "consultations.freetext"


@pytest.fixture
def consultation(home_page):
    return make_consultation(home_page, "open", response_mode="anonymous")


@pytest.fixture
def by_theme(consultation, streets):
    RoutingRule.objects.create(department=streets, source=FREE_TEXT, priority=1)
    return ProcessSettings.objects.create(
        process=consultation, case_sources=[FREE_TEXT], free_text_grouping="theme"
    )


@pytest.fixture
def submit(consultation, django_capture_on_commit_callbacks):
    def answer(person=None, text="More trees"):
        with django_capture_on_commit_callbacks(execute=True):
            response, _created = response_submit(
                survey=consultation.surveys.get(),
                respondent=person,
                answers={"transport": "bus", "priorities": ["air"], "idea": text},
            )
        return response

    return answer


@pytest.fixture
def tag(taskforce, django_capture_on_commit_callbacks):
    def run(response, *themes):
        row = SurveyAnswer.objects.get(response=response, question__key="idea")
        with django_capture_on_commit_callbacks(execute=True):
            answer_moderate(answer=row, by=taskforce, themes=list(themes))
        return row

    return run


@pytest.fixture
def themes(consultation, taskforce):
    return {
        name: theme_add(consultation=consultation, name=name, by=taskforce)
        for name in ("Greenery", "Mobility")
    }


def case_of(response):
    return CaseInput.objects.select_related("case").get(object_id=response.pk, part="idea").case


def test_tagging_moves_the_answer_into_its_theme_case(
    by_theme, submit, tag, themes, taskforce, streets
):
    first, second = submit(text="More trees"), submit(text="Bus lanes")
    question_case = case_of(first)
    assert case_of(second) == question_case and question_case.theme == "Your idea"

    tag(first, themes["Greenery"])
    theme_case = case_of(first)
    assert theme_case != question_case
    assert (theme_case.theme, theme_case.state, theme_case.department) == (
        "Greenery",
        CaseState.ROUTED,
        streets,
    )
    assert theme_case.due_date is not None
    # The untagged answer waits in the question's case, which says where the other went.
    assert case_of(second) == question_case
    question_case.refresh_from_db()
    assert question_case.state == CaseState.ROUTED
    sorted_event = question_case.events.get(action="inputs_sorted")
    assert sorted_event.actor == taskforce and sorted_event.data == {"to": {str(theme_case.pk): 1}}
    assert list(theme_case.events.values_list("action", flat=True)) == [
        "created",
        "routed",
        "inputs_joined",
    ]
    assert theme_case.events.get(action="inputs_joined").actor == taskforce
    assert ModelLogEntry.objects.filter(
        action="feedback_loop.case.inputs_joined", object_id=str(theme_case.pk), user=taskforce
    ).exists()
    # A second answer tagged with the same theme joins the same case.
    tag(second, themes["Greenery"])
    assert case_of(second) == theme_case and theme_case.inputs.count() == 2


def test_retagging_moves_it_again_and_an_emptied_case_closes(by_theme, submit, tag, themes):
    first, second = submit(text="More trees"), submit(text="Bus lanes")
    question_case = case_of(second)
    tag(first, themes["Greenery"])
    greenery = case_of(first)
    tag(first, themes["Mobility"])
    mobility = case_of(first)
    assert mobility not in (greenery, question_case) and mobility.theme == "Mobility"
    greenery.refresh_from_db()
    # Nothing is left in the Greenery case and nobody answered it: grouped into the new one.
    assert (greenery.state, greenery.merged_into) == (CaseState.MERGED, mobility)
    assert greenery.events.filter(action="grouped_into").count() == 1
    # Two themes: the first by name decides (Greenery before Mobility).
    tag(first, themes["Mobility"], themes["Greenery"])
    regreened = case_of(first)
    assert regreened.theme == "Greenery" and regreened not in (greenery, mobility)
    # Untagged: back to the question's case, still open with the other answer.
    tag(first)
    assert case_of(first) == question_case
    assert question_case.inputs.count() == 2


def test_redelivered_events_create_nothing_twice(by_theme, submit, tag, themes, taskforce):
    first = submit()
    row = tag(first, themes["Greenery"])
    counts = (Case.objects.count(), CaseInput.objects.count(), CaseEvent.objects.count())
    for _repeat in range(2):
        consultation_signals.answer_themes_changed.send(
            sender=SurveyAnswer, answer=row, themes=[themes["Greenery"]], by=taskforce
        )
    assert (Case.objects.count(), CaseInput.objects.count(), CaseEvent.objects.count()) == counts
    # A late event naming a theme the answer no longer has follows the tags, not the event.
    tag(first, themes["Mobility"])
    mobility = case_of(first)
    consultation_signals.answer_themes_changed.send(
        sender=SurveyAnswer, answer=row, themes=[themes["Greenery"]], by=taskforce
    )
    assert case_of(first) == mobility


def test_an_answered_case_keeps_its_answers_and_reaches_their_authors(
    by_theme,
    submit,
    tag,
    themes,
    streets_member,
    taskforce,
    client,
    django_capture_on_commit_callbacks,
):
    ana = UserFactory()
    mine, anonymous = submit(ana, "More trees"), submit(None, "Hedges")
    tag(mine, themes["Greenery"])
    tag(anonymous, themes["Greenery"])
    case = case_of(mine)
    assert case_of(anonymous) == case
    services.answer_draft(
        case=case, by=streets_member, decision="adopted", public_text="We plant 200 trees."
    )
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    told = Notification.objects.filter(kind="feedback_loop.answer_published")
    assert list(told.values_list("recipient_id", flat=True)) == [ana.pk]
    page = client.get(reverse("feedback_loop:receipt"), {"code": anonymous.receipt_code})
    assert page.status_code == 200 and "We plant 200 trees." in page.content.decode()
    # Tagged otherwise after publication: the answer stays with the case that answered it.
    tag(mine, themes["Mobility"])
    assert case_of(mine) == case
    assert not Case.objects.filter(theme="Mobility").exists()


@pytest.mark.parametrize("mode", ["question", "answer"])
def test_other_groupings_keep_the_answer_where_it_is(
    consultation, streets, submit, tag, themes, mode
):
    RoutingRule.objects.create(department=streets, source=FREE_TEXT, priority=1)
    ProcessSettings.objects.create(
        process=consultation, case_sources=[FREE_TEXT], free_text_grouping=mode
    )
    response = submit()
    before = case_of(response)
    tag(response, themes["Greenery"])
    assert case_of(response) == before
    assert Case.objects.count() == 1


def test_no_case_no_move(consultation, submit, tag, themes):
    ProcessSettings.objects.create(process=consultation, free_text_grouping="theme")
    response = submit()  # the process takes no open-text answers as cases
    tag(response, themes["Greenery"])
    assert not Case.objects.exists()
