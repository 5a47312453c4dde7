"""Open-text survey answers as cases: grouped by question (default), by theme or one case each,
as each process says; idempotent under repeated events; every contributor sees the answer."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from civitas.notifications.models import Notification
from consultations import signals as consultation_signals
from consultations.models import Answer as SurveyAnswer
from consultations.services import answer_moderate, response_submit, theme_add
from feedback_loop import services
from feedback_loop.models import Case, CaseInput, CaseState, ProcessSettings, RoutingRule
from feedback_loop.sources import sources
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FREE_TEXT = "consultations.freetext"
BASE = {"transport": "bus", "priorities": ["air"]}


@pytest.fixture
def consultation(home_page):
    return make_consultation(home_page, "open", response_mode="anonymous")


@pytest.fixture
def survey(consultation):
    return consultation.surveys.get()


@pytest.fixture
def grouping(consultation):
    def choose(mode="question"):
        return ProcessSettings.objects.update_or_create(
            process=consultation,
            defaults={"case_sources": [FREE_TEXT], "free_text_grouping": mode},
        )[0]

    return choose


@pytest.fixture
def routed_to_streets(streets):
    return RoutingRule.objects.create(department=streets, source=FREE_TEXT, priority=1)


@pytest.fixture
def submit(survey, django_capture_on_commit_callbacks):
    def answer(person=None, **texts):
        with django_capture_on_commit_callbacks(execute=True):
            response, _created = response_submit(
                survey=survey, respondent=person, answers={**BASE, **texts}
            )
        return response

    return answer


def test_answers_are_no_cases_unless_the_process_asks(submit, routed_to_streets):
    assert not sources.get(FREE_TEXT).default_on
    submit(UserFactory(), idea="More trees")
    assert not Case.objects.exists()


def test_answers_to_one_question_make_one_case_listing_them(
    grouping, submit, routed_to_streets, streets
):
    grouping("question")
    ana, ben = UserFactory(), UserFactory()
    submit(ana, idea="More trees", **{"name-it": "Green"})
    submit(ben, idea="Bike lanes")
    anonymous = submit(None, idea="Benches")
    cases = {case.text: case for case in Case.objects.all()}
    assert set(cases) == {"Your idea", "A name for it"}
    idea_case = cases["Your idea"]
    assert idea_case.state == CaseState.ROUTED and idea_case.department == streets
    assert idea_case.source == FREE_TEXT and idea_case.group_key
    assert sorted(idea_case.inputs.values_list("text", flat=True)) == [
        "Benches",
        "Bike lanes",
        "More trees",
    ]
    assert idea_case.inputs.get(text="Benches").receipt_code == anonymous.receipt_code
    # Only the first input opened (and routed) the case.
    assert idea_case.events.filter(action="created").count() == 1
    assert idea_case.events.filter(action="routed").count() == 1


def test_one_case_per_answer_when_the_process_says_so(grouping, submit, routed_to_streets):
    grouping("answer")
    submit(UserFactory(), idea="More trees")
    submit(UserFactory(), idea="Bike lanes")
    cases = Case.objects.all()
    assert sorted(c.title for c in cases) == ["Bike lanes", "More trees"]
    assert all(c.inputs.count() == 1 and not c.group_key for c in cases)


def test_the_same_event_twice_adds_one_input_and_a_change_updates_it(
    grouping, submit, survey, routed_to_streets
):
    grouping("question")
    person = UserFactory()
    response = submit(person, idea="More trees")
    for _repeat in range(2):
        consultation_signals.free_text_answered.send(
            sender=type(response),
            response=response,
            question_key="idea",
            question_text="Your idea",
            text="More trees",
        )
    assert CaseInput.objects.count() == 1
    # The person changes the answer before close: the case shows the new text.
    submit(person, idea="More trees and shade")
    item = CaseInput.objects.get()
    assert item.text == "More trees and shade"
    # and drops it: it leaves the unanswered case.
    submit(person)
    assert not CaseInput.objects.exists()
    assert Case.objects.get().events.filter(action="input_withdrawn").count() == 1


def test_a_published_group_answer_reaches_every_contributor(
    grouping,
    survey,
    submit,
    routed_to_streets,
    streets_member,
    taskforce,
    client,
    django_capture_on_commit_callbacks,
):
    grouping("question")
    ana, ben = UserFactory(), UserFactory()
    submit(ana, idea="More trees")
    submit(ben, idea="Bike lanes")
    anonymous = submit(None, idea="Benches")
    case = Case.objects.get(text="Your idea")
    services.answer_draft(
        case=case,
        by=streets_member,
        decision="partly_adopted",
        public_text="Trees and benches come with the new plan.",
    )
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    told = Notification.objects.filter(kind="feedback_loop.answer_published")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([ana.pk, ben.pk])
    # The receipt-code holder sees the same answer without an account.
    page = client.get(reverse("feedback_loop:receipt"), {"code": anonymous.receipt_code})
    assert page.status_code == 200
    assert "Trees and benches come with the new plan." in page.content.decode()
    # The public page shows the grouped case with its count and, once the survey's results
    # are public, a sample of the texts.
    survey.results_while_open = True
    survey.save(update_fields=["results_while_open"])
    public = client.get(reverse("feedback_loop:how_used", args=[case.process_id]))
    body = public.content.decode()
    assert "3 contributions" in body and "Bike lanes" in body
    assert "Trees and benches come with the new plan." in body
    # A later answer opens a new case: the published one is not reopened.
    submit(UserFactory(), idea="A fountain")
    assert Case.objects.filter(text="Your idea").count() == 2
    assert case.inputs.count() == 3


def test_a_grouped_case_page_lists_and_counts_its_contributions(
    grouping, submit, routed_to_streets, streets_member, client
):
    grouping("question")
    for number in range(55):
        submit(None, idea=f"Answer number {number}")
    case = Case.objects.get(text="Your idea")
    client.force_login(streets_member)
    page = client.get(reverse("feedback_loop:case", args=[case.pk]))
    body = page.content.decode()
    assert "55 contributions" in body
    assert "Answer number 0" in body and "Answer number 54" not in body
    second = client.get(reverse("feedback_loop:case", args=[case.pk]), {"inputs": 2})
    assert "Answer number 54" in second.content.decode()


def test_theme_grouping_uses_the_moderators_tags(
    grouping, submit, consultation, survey, routed_to_streets, taskforce
):
    grouping("theme")
    trees = theme_add(consultation=consultation, name="Greenery", by=taskforce)
    first = submit(UserFactory(), idea="More trees")
    second = submit(UserFactory(), idea="Plant hedges")
    question_case = Case.objects.get()
    assert question_case.inputs.count() == 2  # no theme yet: they wait in the question's case
    for response in (first, second):
        row = SurveyAnswer.objects.get(response=response, question__key="idea")
        answer_moderate(answer=row, by=taskforce, themes=[trees])
    moved = services.case_sort_by_theme(case=question_case, by=taskforce)
    theme_case = Case.objects.get(theme="Greenery")
    assert moved == {theme_case.pk: 2}
    assert theme_case.state == CaseState.ROUTED and theme_case.inputs.count() == 2
    assert services.case_sort_by_theme(case=question_case, by=taskforce) == {}
    # An answer already tagged when its event arrives joins the theme's case at once.
    third = submit(UserFactory(), **{"name-it": "Green belt"})
    row = SurveyAnswer.objects.get(response=third, question__key="name-it")
    answer_moderate(answer=row, by=taskforce, themes=[trees])
    third_input = CaseInput.objects.get(object_id=third.pk, part="name-it")
    third_input.delete()
    consultation_signals.free_text_answered.send(
        sender=type(third),
        response=third,
        question_key="name-it",
        question_text="A name for it",
        text="Green belt",
    )
    assert CaseInput.objects.get(object_id=third.pk, part="name-it").case == theme_case


def test_sorting_is_for_the_taskforce_only(
    grouping, submit, routed_to_streets, streets_member, client
):
    grouping("theme")
    submit(UserFactory(), idea="More trees")
    case = Case.objects.get()
    with pytest.raises(services.NotAllowed):
        services.case_sort_by_theme(case=case, by=streets_member)
    client.force_login(streets_member)
    response = client.post(reverse("feedback_loop:case_action", args=[case.pk, "sort"]))
    assert response.status_code == 403


def test_the_response_content_type_is_the_reference(grouping, submit, routed_to_streets):
    grouping("question")
    response = submit(UserFactory(), idea="More trees")
    item = CaseInput.objects.get()
    assert item.content_type == ContentType.objects.get_for_model(response)
    assert (item.object_id, item.part) == (response.pk, "idea")
