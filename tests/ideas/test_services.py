"""Services of the ideas app: channels, idempotency, events after commit, audit entries."""

import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.participation.models import Channel
from ideas import services
from ideas.models import Idea
from tests.factories import DistrictFactory, TopicFactory

pytestmark = pytest.mark.django_db

DATA = {"title": "Benches by the river", "body": "Somewhere to rest in the shade."}


def logged(action):
    return ModelLogEntry.objects.filter(action=action)


def test_online_submission_stores_the_idea_and_tells_after_commit(
    challenge, author, heard, django_capture_on_commit_callbacks
):
    topic, district = TopicFactory(), DistrictFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        idea, created = services.idea_submit(
            challenge=challenge,
            author=author,
            data={
                **DATA,
                "topic": topic.pk,
                "district": str(district.pk),
                "location_text": " Quay ",
            },
        )
    assert created and heard == []
    for callback in callbacks:
        callback()
    assert heard == [("ideas.idea_submitted", {"idea": idea})]
    idea.refresh_from_db()
    assert (idea.title, idea.topic, idea.district, idea.location_text) == (
        DATA["title"],
        topic,
        district,
        "Quay",
    )
    assert idea.challenge == challenge
    assert (idea.channel, idea.status_id, idea.entered_by) == (Channel.ONLINE, "submitted", None)
    entry = logged("ideas.idea.submitted").get()
    assert (entry.user_id, entry.object_id) == (author.pk, str(idea.pk))


def test_a_rolled_back_submission_sends_nothing(
    challenge, author, heard, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.idea_submit(challenge=challenge, author=author, data=DATA)
        raise RuntimeError("roll back")
    assert heard == [] and Idea.objects.count() == 0


@pytest.mark.parametrize("state", ["support", "review", "result", "no_phase"])
def test_online_submission_needs_the_submit_phase(make_process, author, state):
    with pytest.raises(NotAllowed):
        services.idea_submit(challenge=make_process(state), author=author, data=DATA)
    assert Idea.objects.count() == 0


@pytest.mark.parametrize("channel", [c for c in Channel.values if c != Channel.ONLINE])
def test_other_channels_are_entered_by_staff_in_any_phase(
    make_process, facilitator, channel, heard, django_capture_on_commit_callbacks
):
    challenge = make_process("review")
    with django_capture_on_commit_callbacks(execute=True):
        idea, created = services.idea_submit(
            challenge=challenge,
            author=None,
            data=DATA,
            channel=channel,
            entered_by=facilitator,
            people_count=6,
            source_detail="Table 3",
        )
    assert created
    assert (idea.channel, idea.entered_by, idea.people_count) == (channel, facilitator, 6)
    assert idea.receipt_code  # anonymous input gets a code to look it up
    assert idea.source_detail == "Table 3"
    assert logged("ideas.idea.submitted").get().user_id == facilitator.pk
    assert [name for name, _kwargs in heard] == ["ideas.idea_submitted"]


def test_offline_input_must_say_who_typed_it(challenge, author):
    with pytest.raises(DomainError):
        services.idea_submit(challenge=challenge, author=author, data=DATA, channel=Channel.PAPER)


def test_a_retried_submission_creates_one_idea(challenge, author, heard):
    key = uuid.uuid4()
    first, created = services.idea_submit(
        challenge=challenge, author=author, data=DATA, submission_key=key
    )
    again, created_again = services.idea_submit(
        challenge=challenge, author=author, data=DATA, submission_key=str(key)
    )
    assert created and not created_again and first == again
    assert Idea.objects.count() == 1
    assert logged("ideas.idea.submitted").count() == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"title": "  ", "body": "x"}, "title"),
        ({"title": "x", "body": ""}, "body"),
        ({"title": "x" * 151, "body": "x"}, "title"),
        ({"title": "x", "body": "x" * 5001}, "body"),
        ({**DATA, "topic": "999999"}, "topic"),
        ({**DATA, "district": "nope"}, "district"),
        ({**DATA, "latitude": "91", "longitude": "0"}, "latitude"),
        ({**DATA, "latitude": "1", "longitude": "east"}, "longitude"),
        ({**DATA, "latitude": "1"}, "latitude"),
        ({**DATA, "location_text": "x" * 201}, "location_text"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(challenge, author, data, code):
    with pytest.raises(DomainError) as refused:
        services.idea_submit(challenge=challenge, author=author, data=data)
    assert refused.value.code == code
    assert str(refused.value.message)
    assert Idea.objects.count() == 0


def test_the_author_edits_while_the_phase_allows(
    idea, author, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_edit(idea=idea, by=author, data={"title": "Benches and trees"})
    idea.refresh_from_db()
    assert (idea.title, idea.body) == ("Benches and trees", "Shade too.")
    assert logged("ideas.idea.edited").get().data == {"fields": ["title"]}
    assert [name for name, _kwargs in heard] == ["ideas.idea_edited"]


def test_an_edit_that_changes_nothing_is_not_recorded(idea, author, heard):
    services.idea_edit(idea=idea, by=author, data={"title": idea.title})
    assert not logged("ideas.idea.edited").exists() and heard == []


def test_others_cannot_edit_or_withdraw(idea, resident):
    with pytest.raises(NotAllowed):
        services.idea_edit(idea=idea, by=resident, data={"title": "Mine now"})
    with pytest.raises(NotAllowed):
        services.idea_withdraw(idea=idea, by=resident)
    idea.refresh_from_db()
    assert idea.title == "More benches by the river" and idea.withdrawn_at is None


def test_no_edits_after_the_submit_phase(make_process, make_idea, author):
    idea = make_idea(make_process("support"))
    with pytest.raises(NotAllowed):
        services.idea_edit(idea=idea, by=author, data={"title": "Late"})
    with pytest.raises(NotAllowed):
        services.idea_withdraw(idea=idea, by=author)


def test_hidden_ideas_cannot_be_edited(make_idea, challenge, author):
    idea = make_idea(challenge, hidden_at=timezone.now())
    with pytest.raises(Conflict):
        services.idea_edit(idea=idea, by=author, data={"title": "Again"})


def test_withdrawing_once(idea, author, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_withdraw(idea=idea, by=author)
    idea.refresh_from_db()
    assert idea.is_withdrawn
    with pytest.raises(Conflict):
        services.idea_withdraw(idea=idea, by=author)
    with pytest.raises(Conflict):
        services.idea_edit(idea=idea, by=author, data={"title": "Back"})
    assert logged("ideas.idea.withdrawn").count() == 1
    assert [name for name, _kwargs in heard] == ["ideas.idea_withdrawn"]


def test_setting_the_status_records_it_and_tells(
    make_process, make_idea, resident, heard, django_capture_on_commit_callbacks
):
    idea = make_idea(make_process("review"))
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_set(idea=idea, status="accepted", answer="We will do it.", by=resident)
    idea.refresh_from_db()
    assert (idea.status_id, idea.official_answer) == ("accepted", "We will do it.")
    assert idea.status_changed_at is not None
    entry = logged("ideas.idea.status_changed").get()
    assert entry.data == {"old_status": "submitted", "status": "accepted"}
    assert heard == [
        ("ideas.idea_status_changed", {"idea": idea, "old_status": "submitted", "by": resident})
    ]
    # The same status and answer again change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_set(idea=idea, status="accepted", answer="We will do it.", by=resident)
    assert len(heard) == 1


def test_the_official_answer_is_kept_per_language(idea):
    from django.utils import translation

    with translation.override("en"):
        services.idea_status_set(idea=idea, status="accepted", answer="Yes.", by=None)
    with translation.override("fr"):
        services.idea_status_set(idea=idea, status="accepted", answer="Oui.", by=None)
    idea.refresh_from_db()
    assert (idea.official_answer_en, idea.official_answer_fr) == ("Yes.", "Oui.")


def test_an_unknown_status_is_refused(idea):
    with pytest.raises(DomainError):
        services.idea_status_set(idea=idea, status="lost", answer="", by=None)
    idea.refresh_from_db()
    assert idea.status_id == "submitted"
