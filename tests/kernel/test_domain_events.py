import uuid

import pytest
from django.db import transaction

from civitas.core.domain_events import DomainEvent, domain_events
from civitas.participation.models import Channel
from tests.dummy_process.models import Note
from tests.dummy_process.services import note_submit
from tests.dummy_process.signals import note_submitted
from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    heard = []

    def receiver(sender, note, **kwargs):
        heard.append(note.pk)

    note_submitted.connect(receiver)
    yield heard
    note_submitted.disconnect(receiver)


def test_every_domain_event_is_documented_with_its_arguments():
    assert len(domain_events) > 0
    for event in domain_events:
        assert event.doc and "Arguments" in event.doc, event.name
        assert event.arguments, event.name
        for argument in event.arguments:
            assert argument in event.doc, (event.name, argument)


def test_send_on_commit_checks_arguments():
    with pytest.raises(TypeError):
        note_submitted.send_on_commit(sender=Note, wrong=1)
    with pytest.raises(TypeError):
        note_submitted.send_on_commit(sender=Note)


def test_event_is_sent_only_after_commit(home_page, received, django_capture_on_commit_callbacks):
    process = make_dummy_process(home_page)
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note, created = note_submit(process=process, author=author, text="More benches")
    assert created and received == []  # not yet committed
    for callback in callbacks:
        callback()
    assert received == [note.pk]


def test_rolled_back_submission_sends_nothing(
    home_page, received, django_capture_on_commit_callbacks
):
    process = make_dummy_process(home_page)
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                note_submit(process=process, author=author, text="Never mind")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert received == []
    assert Note.objects.count() == 0


def test_offline_input_flows_through_the_same_event(
    home_page, received, django_capture_on_commit_callbacks
):
    process = make_dummy_process(home_page, phases=[("review", -1, 1)])  # submit closed online
    facilitator = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        note, _ = note_submit(
            process=process,
            author=None,
            text="Sticky note: safer crossing at the school",
            channel=Channel.OFFLINE_EVENT,
            entered_by=facilitator,
            people_count=7,
            source_detail="Table 3",
        )
    assert received == [note.pk]
    assert note.channel == Channel.OFFLINE_EVENT
    assert note.entered_by == facilitator and note.people_count == 7
    assert note.receipt_code and len(note.receipt_code) == 14


def test_retried_submission_is_stored_and_announced_once(
    home_page, received, django_capture_on_commit_callbacks
):
    process = make_dummy_process(home_page)
    author = UserFactory()
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = note_submit(
            process=process, author=author, text="Bike lane", submission_key=key
        )
        again, created_again = note_submit(
            process=process, author=author, text="Bike lane", submission_key=str(key)
        )
    assert created_first and not created_again
    assert first.pk == again.pk
    assert Note.objects.count() == 1
    assert received == [first.pk]


def test_a_new_domain_event_registers_itself():
    event = DomainEvent("tests.something_happened", "Arguments: thing (object).", ("thing",))
    try:
        assert domain_events.get("tests.something_happened") is event
    finally:
        domain_events.unregister("tests.something_happened")


def test_state_changes_are_in_the_audit_log(home_page):
    from wagtail.models import ModelLogEntry

    process = make_dummy_process(home_page)
    author = UserFactory()
    note, _ = note_submit(process=process, author=author, text="Audit me")
    entry = ModelLogEntry.objects.get(action="dummy_process.note.submitted")
    assert entry.object_id == str(note.pk)
    assert entry.user_id == author.pk
    assert entry.content_type.model_class() is Note
