"""Input logged at events reaches the feedback loop: notes and comments become cases of the
event's process (once, however often the event is delivered), dot votes and what a process
app took in open none of their own, and a receipt card's code finds the input's status and
the city's answer."""

import uuid

import pytest
from django.urls import reverse

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from events import services, signals
from events.models import EventInput
from feedback_loop import services as feedback
from feedback_loop.models import (
    Case,
    CaseInput,
    CaseState,
    Department,
    ProcessSettings,
    RoutingRule,
)
from ideas.models import Idea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SOURCE = "events.eventinput"


@pytest.fixture
def workshop(make_event, challenge):
    return make_event(title="Green squares workshop", process=challenge)


@pytest.fixture
def facilitator(facilitator_of, workshop):
    return facilitator_of(workshop)


@pytest.fixture
def parks(db):
    department = Department.objects.create(name="Parks", slug="parks")
    RoutingRule.objects.create(department=department, source=SOURCE, priority=1)
    return department


@pytest.fixture
def log(workshop, facilitator, django_capture_on_commit_callbacks):
    """Log input at the workshop as its facilitator and deliver the events after commit."""

    def run(kind="note", text="People asked for shade on the square", **extra):
        extra.setdefault("people_count", 6)
        extra.setdefault("language", "fr")
        with django_capture_on_commit_callbacks(execute=True):
            item, _created = services.input_log(
                event=workshop,
                by=facilitator,
                kind=kind,
                text=text,
                submission_key=uuid.uuid4(),
                source_detail="Table 3",
                **extra,
            )
        return item

    return run


def test_a_note_becomes_one_case_however_often_it_is_delivered(
    log, workshop, challenge, venue, parks, django_capture_on_commit_callbacks
):
    item = log()
    case = Case.objects.get()
    assert case.source == SOURCE
    assert case.process_id == challenge.pk
    assert case.channel == "offline_event"
    assert case.language == "fr"
    assert case.district_id == venue.district_id
    assert case.theme == workshop.title
    assert case.title == "People asked for shade on the square"
    assert "People asked for shade" in case.text and "6 people" in case.text
    assert "Table 3" in case.text
    assert case.state == CaseState.ROUTED and case.department == parks
    # The same event delivered again (a retried queue, a second worker) changes nothing.
    for _again in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            signals.offline_input_logged.send(sender=EventInput, item=item)
    assert Case.objects.count() == 1 and CaseInput.objects.count() == 1
    assert CaseInput.objects.get().url == f"{workshop.url}report/"


def test_comments_and_board_posts_become_cases_dot_votes_do_not(
    log, workshop, resident, django_capture_on_commit_callbacks
):
    log(kind="comment", text="Keep the market where it is")
    log(kind="dot_vote", title="Benches", text="Most dots", data={"tally": 17})
    with django_capture_on_commit_callbacks(execute=True):
        services.board_post(event=workshop, author=resident, text="More bins")
    assert sorted(Case.objects.values_list("title", flat=True)) == [
        "Keep the market where it is",
        "More bins",
    ]


def test_an_idea_from_the_console_is_the_ideas_case_not_a_second_one(log, challenge):
    log(kind="idea", title="Shade trees", text="On the south side", data={"challenge": challenge})
    case = Case.objects.get()
    assert case.source == "ideas.idea"


def test_a_process_that_takes_no_event_input_gets_no_case(log, challenge):
    ProcessSettings.objects.create(process=challenge, case_sources=["ideas.idea"])
    log()
    assert not Case.objects.exists()


def test_a_card_code_shows_the_status_then_the_published_answer(
    client, log, workshop, parks, django_capture_on_commit_callbacks
):
    card = services.receipt_cards_create(event=workshop, by=None, count=1)[0]
    item = log(receipt_code=card.code.lower())
    assert item.receipt_code == card.code
    lookup = reverse("feedback_loop:receipt")
    waiting = client.get(lookup, {"code": card.code})  # anyone, without an account
    assert waiting.status_code == 200
    body = waiting.content.decode()
    assert "People asked for shade on the square" in body
    assert "With Parks, waiting for an answer" in body
    case = Case.objects.get()
    member, taskforce = UserFactory(), UserFactory()
    role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=parks, by=None)
    role_assign(user=taskforce, role=Role.TASKFORCE, scope=None, by=None)
    feedback.answer_draft(
        case=case, by=member, decision="adopted", public_text="Twelve trees are planted in May."
    )
    feedback.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        feedback.answer_publish(case=case, by=taskforce)
    answered = client.get(lookup, {"code": card.code}).content.decode()
    assert "Twelve trees are planted in May." in answered
    assert "Adopted" in answered


def test_an_idea_typed_from_a_workshop_card_keeps_the_card_code(client, log, workshop, challenge):
    card = services.receipt_cards_create(event=workshop, by=None, count=1)[0]
    item = log(
        kind="idea",
        title="Shade trees",
        text="On the south side",
        data={"challenge": challenge},
        receipt_code=card.code,
    )
    idea = Idea.objects.get()
    assert idea.receipt_code == card.code == item.receipt_code
    assert CaseInput.objects.get().receipt_code == card.code
    page = client.get(reverse("feedback_loop:receipt"), {"code": card.code})
    assert page.status_code == 200
    assert "Shade trees" in page.content.decode()
