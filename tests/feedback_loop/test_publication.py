"""Publication reaches everyone concerned whatever the source: budget proposals, consultation
comments and arguments, and cases closed as out of scope."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import ProposalStatus
from budgeting.services import proposal_submit
from civitas.core.errors import Conflict
from civitas.interactions.models import Follow, Support
from civitas.notifications.models import Notification
from consultations.models import Debate, DraftDocument, ParagraphComment
from consultations.services import argument_add, document_version_publish, paragraph_comment_add
from feedback_loop import services, signals
from feedback_loop.models import Answer, Case, CaseState, ProcessSettings, RoutingRule
from tests.budgeting.conftest import make_round
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERED = "feedback_loop.answer_published"


def told(kind=ANSWERED) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def support_and_follow(target, supporters=(), followers=()):
    """Supports and follows made directly: the rules of who may support are not tested here."""
    target_type = ContentType.objects.get_for_model(target)
    for user in supporters:
        Support.objects.create(target_type=target_type, target_id=target.pk, user=user)
    for user in followers:
        Follow.objects.create(target_type=target_type, target_id=target.pk, user=user)


@pytest.fixture
def proposal_case(home_page, resident, streets, django_capture_on_commit_callbacks):
    round_page = make_round(home_page, state="propose")
    RoutingRule.objects.create(department=streets, source="budgeting.proposal", priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        proposal, _created = proposal_submit(
            round=round_page,
            author=resident,
            data={"title": "Playground", "description": "Swings", "estimated_cost": 5000},
        )
    return Case.objects.get(), proposal


@pytest.fixture
def publish(streets_member, taskforce, django_capture_on_commit_callbacks):
    def run(case, decision="adopted", text="We will build it next spring."):
        services.answer_draft(case=case, by=streets_member, decision=decision, public_text=text)
        services.answer_approve(case=case, by=taskforce)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_publish(case=case, by=taskforce)
        case.refresh_from_db()
        return case

    return run


# --- budget proposals ----------------------------------------------------------------------


def test_an_answer_that_leaves_the_proposal_status_is_told_to_everyone_concerned(
    proposal_case, resident, streets_member, publish
):
    case, proposal = proposal_case
    supporter, follower = UserFactory(), UserFactory()
    support_and_follow(proposal, supporters=[supporter, follower], followers=[follower])
    # The department already found it feasible: "adopted" changes no status, so the budgeting
    # app tells nobody.
    services.case_review_proposal(
        case=case, item=case.inputs.get(), by=streets_member, feasible=True, reason="Fits."
    )
    Notification.objects.all().delete()
    publish(case)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FEASIBLE
    assert told() == sorted([resident.pk, supporter.pk, follower.pk])
    assert not Notification.objects.filter(kind="budgeting.proposal_reviewed").exists()
    mine = Notification.objects.get(kind=ANSWERED, recipient=resident)
    assert mine.title == "The city answered your input: Playground"
    assert mine.body == "We will build it next spring."
    theirs = Notification.objects.get(kind=ANSWERED, recipient=supporter)
    assert "which you support or follow" in theirs.title


def test_when_the_budgeting_app_tells_the_author_the_loop_tells_only_the_others(
    proposal_case, resident, publish
):
    case, proposal = proposal_case
    supporter = UserFactory()
    support_and_follow(proposal, supporters=[supporter], followers=[resident])
    Notification.objects.all().delete()
    publish(case, decision="not_adopted", text="The site is reserved for 100% housing.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NOT_FEASIBLE
    assert told("budgeting.proposal_reviewed") == [resident.pk]
    assert told() == [supporter.pk]
    assert "100% housing" in Notification.objects.get(kind=ANSWERED).body


def test_publishing_tells_everyone_in_a_constant_number_of_queries(
    proposal_case, streets_member, taskforce, django_capture_on_commit_callbacks
):
    def publish_counting(case):
        services.answer_draft(case=case, by=streets_member, decision="adopted", public_text="Yes")
        services.answer_approve(case=case, by=taskforce)
        with CaptureQueriesContext(connection) as queries:
            services.answer_publish(case=case, by=taskforce)
        return len(queries)

    case, proposal = proposal_case
    support_and_follow(proposal, supporters=[UserFactory()])
    few = publish_counting(case)
    other_round = make_round(case.process.get_parent(), state="propose", title="Second round")
    with django_capture_on_commit_callbacks(execute=True):
        other, _created = proposal_submit(
            round=other_round,
            author=UserFactory(),
            data={"title": "Benches", "description": "Rest", "estimated_cost": 900},
        )
    people = [UserFactory() for _ in range(6)]
    support_and_follow(other, supporters=people, followers=people[:3])
    many = publish_counting(Case.objects.get(title="Benches"))
    # The budgeting app tells both authors (the status changed); the loop every supporter.
    assert len(told()) == 1 + 6
    assert many == few


# --- consultation comments and arguments ---------------------------------------------------


@pytest.fixture
def consultation(home_page, topic):
    page = make_consultation(home_page, "open")
    page.topics.add(topic)
    page.save()
    ProcessSettings.objects.create(
        process=page,
        case_sources=["consultations.paragraphcomment", "consultations.argument"],
    )
    return page


@pytest.fixture
def paragraph(consultation):
    document = DraftDocument.objects.create(consultation=consultation, title="Strategy draft")
    document.body = [("section", {"heading": "Vision", "paragraphs": ["A connected city."]})]
    document.save()
    document_version_publish(document=document, by=None)
    return document.versions.get().paragraphs.get()


def test_comments_and_arguments_take_the_consultations_topic_and_route_by_it(
    consultation, paragraph, resident, streets, district, django_capture_on_commit_callbacks
):
    consultation.district = district
    consultation.save()
    RoutingRule.objects.create(department=streets, topic=consultation.topics.get(), priority=5)
    debate = Debate.objects.create(consultation=consultation, question="Cameras in parks?")
    with django_capture_on_commit_callbacks(execute=True):
        paragraph_comment_add(paragraph=paragraph, author=resident, body="Add bike lanes.")
        argument_add(debate=debate, author=resident, side="for", body="They deter theft.")
    cases = list(Case.objects.order_by("pk"))
    assert [c.source for c in cases] == ["consultations.paragraphcomment", "consultations.argument"]
    for case in cases:
        assert case.topic == consultation.topics.get() and case.district == district
        assert case.state == CaseState.ROUTED and case.department == streets


def test_a_proposal_takes_the_rounds_topic_and_a_topic_rule_routes_it(
    home_page, resident, topic, streets, django_capture_on_commit_callbacks
):
    round_page = make_round(home_page, state="propose")
    round_page.topics.add(topic)
    round_page.save()
    RoutingRule.objects.create(department=streets, topic=topic, priority=5)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_submit(
            round=round_page,
            author=resident,
            data={"title": "Playground", "description": "Swings", "estimated_cost": 5000},
        )
    case = Case.objects.get()
    assert case.topic == topic and case.department == streets


def test_a_process_with_several_topics_leaves_the_choice_to_triage(
    consultation, paragraph, resident, other_topic, streets, django_capture_on_commit_callbacks
):
    consultation.topics.add(other_topic)
    consultation.save()
    RoutingRule.objects.create(department=streets, topic=other_topic, priority=5)
    with django_capture_on_commit_callbacks(execute=True):
        paragraph_comment_add(paragraph=paragraph, author=resident, body="Add bike lanes.")
    case = Case.objects.get()
    assert case.topic is None and case.state == CaseState.TRIAGE


def test_a_published_answer_shows_beside_the_comment_and_its_author_is_told(
    consultation,
    paragraph,
    resident,
    rules,
    taskforce,
    client,
    publish,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    other = UserFactory(display_name="Olga")
    with django_capture_on_commit_callbacks(execute=True):
        comment = paragraph_comment_add(
            paragraph=paragraph, author=resident, body="Add bike lanes."
        )
        paragraph_comment_add(paragraph=paragraph, author=other, body="Not answered yet.")
    url = f"{consultation.url}documents/{paragraph.version.document_id}/paragraphs/{paragraph.pk}/"
    before = client.get(url)
    assert "The city’s answer" not in before.content.decode()
    case = Case.objects.get(inputs__object_id=comment.pk, source="consultations.paragraphcomment")
    publish(case, decision="partly_adopted", text="Bike lanes come with the 2027 plan.")
    assert told() == [resident.pk]
    with django_assert_max_num_queries(40):
        page = client.get(url)
    body = page.content.decode()
    assert body.count("The city’s answer") == 1
    assert "Partly adopted" in body and "Bike lanes come with the 2027 plan." in body
    assert reverse("feedback_loop:how_used", args=[consultation.pk]) in body


def test_a_published_answer_shows_beside_the_argument(
    consultation, resident, rules, client, publish, django_capture_on_commit_callbacks
):
    debate = Debate.objects.create(consultation=consultation, question="Cameras in parks?")
    with django_capture_on_commit_callbacks(execute=True):
        argument = argument_add(debate=debate, author=resident, side="for", body="Less theft.")
    publish(Case.objects.get(), decision="not_adopted", text="Privacy comes first.")
    for url in (argument.get_absolute_url(), f"{consultation.url}debates/{debate.pk}/"):
        body = client.get(url).content.decode()
        assert "The city’s answer" in body and "Privacy comes first." in body
    assert told() == [resident.pk]


# --- out of scope --------------------------------------------------------------------------


@pytest.fixture
def heard(monkeypatch):
    """The answer_published events and the webhooks dispatched, as they happen."""
    seen = {"events": [], "webhooks": []}

    def on_published(sender, case, answer, **kwargs):
        seen["events"].append((case.pk, answer.decision))

    signals.answer_published.connect(on_published, dispatch_uid="test.publication")
    monkeypatch.setattr(
        services.webhooks,
        "dispatch",
        lambda *, case_id, event: seen["webhooks"].append((case_id, event)),
    )
    yield seen
    signals.answer_published.disconnect(dispatch_uid="test.publication")


def test_out_of_scope_is_a_published_outcome_that_reaches_everyone(
    submit, rules, topic, case_of, taskforce, resident, heard, django_capture_on_commit_callbacks
):
    idea = submit(topic=topic)
    case = case_of(idea)
    supporter = UserFactory()
    support_and_follow(idea, supporters=[supporter])
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_mark_out_of_scope(case=case, reason="A regional road.", by=taskforce)
    case.refresh_from_db()
    idea.refresh_from_db()
    assert case.state == CaseState.OUT_OF_SCOPE and case.out_of_scope_reason == "A regional road."
    answer = Answer.objects.get(case=case)
    assert answer.decision == "out_of_scope" and answer.public_text == "A regional road."
    assert answer.published_at is not None and answer.approved_by == taskforce
    # The ideas app hears it as a decision: the idea is declined, with the reason as answer,
    # and tells the author and supporter itself; the loop adds no second notice.
    assert idea.status.meaning == "declined" and idea.official_answer == "A regional road."
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [resident.pk, supporter.pk]
    )
    assert heard["events"] == [(case.pk, "out_of_scope")]
    assert (case.pk, "case.answered") in heard["webhooks"]
    # The same decision again changes and tells nothing; another reason is refused.
    with django_capture_on_commit_callbacks(execute=True):
        services.case_mark_out_of_scope(case=case, reason="A regional road.", by=taskforce)
    assert Notification.objects.count() == 2 and len(heard["events"]) == 1
    assert case.events.filter(action="out_of_scope").count() == 1
    with pytest.raises(Conflict):
        services.case_mark_out_of_scope(case=case, reason="Something else.", by=taskforce)


def test_out_of_scope_tells_the_authors_of_sources_that_tell_nobody(
    consultation, paragraph, resident, taskforce, client, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = paragraph_comment_add(paragraph=paragraph, author=resident, body="Add a tram.")
    case = Case.objects.get()
    assert case.state == CaseState.TRIAGE
    with django_capture_on_commit_callbacks(execute=True):
        services.case_mark_out_of_scope(case=case, reason="Trams are regional.", by=taskforce)
    assert told() == [resident.pk]
    assert heard["events"] == [(case.pk, "out_of_scope")]
    comment = ParagraphComment.objects.get(pk=comment.pk)
    url = f"{consultation.url}documents/{paragraph.version.document_id}/paragraphs/{paragraph.pk}/"
    body = client.get(url).content.decode()
    assert "Out of scope" in body and "Trams are regional." in body


def test_out_of_scope_on_a_proposal_marks_it_not_feasible_and_replaces_the_draft(
    proposal_case, resident, streets_member, taskforce, django_capture_on_commit_callbacks
):
    case, proposal = proposal_case
    services.answer_draft(case=case, by=streets_member, decision="adopted", public_text="Yes")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_mark_out_of_scope(case=case, reason="School land.", by=taskforce)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NOT_FEASIBLE
    assert proposal.public_reason == "School land."
    assert Answer.objects.get(case=case).decision == "out_of_scope"
    assert case.events.get(action="out_of_scope").data["replaced_draft"] == "adopted"
    # The budgeting app told the author (the status changed); nobody hears it twice.
    assert told("budgeting.proposal_reviewed") == [resident.pk] and told() == []


def test_an_open_text_answer_gets_the_published_answer_of_its_case(
    home_page, streets, publish, django_capture_on_commit_callbacks
):
    from wagtail import hooks

    from consultations.models import Response
    from consultations.services import response_submit
    from feedback_loop.sources.consultations import published_answers

    assert published_answers in hooks.get_hooks("civitas_published_answers")
    page = make_consultation(home_page, "open", response_mode="anonymous")
    ProcessSettings.objects.create(process=page, case_sources=["consultations.freetext"])
    RoutingRule.objects.create(department=streets, source="consultations.freetext", priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        response, _created = response_submit(
            survey=page.surveys.get(),
            respondent=None,
            answers={"transport": "bus", "priorities": ["air"], "idea": "More trees"},
        )
    assert published_answers(Response, [response.pk], "idea") == {}
    publish(Case.objects.get(), text="Trees come in the autumn.")
    found = published_answers(Response, [response.pk], "idea")[response.pk]
    assert found.decision == "Adopted" and found.text == "Trees come in the autumn."
    assert found.how_used_url == reverse("feedback_loop:how_used", args=[page.pk])
    assert published_answers(Response, [response.pk], "transport") == {}
