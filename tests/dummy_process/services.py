"""Services of the dummy process: how a real feature app changes state."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import DomainError, NotAllowed
from civitas.core.text import normalise_text
from civitas.participation.models import Channel
from civitas.participation.services import contribution_fields, create_contribution

from . import signals
from .models import Note


def note_submit(
    *,
    process,
    author,
    text: str,
    channel: str = Channel.ONLINE,
    entered_by=None,
    submission_key=None,
    people_count: int = 1,
    source_detail: str = "",
):
    """Submit a note while the process's open phase allows "submit"; (note, created)."""
    text = normalise_text(text)
    if not text:
        raise DomainError(_("Write something first."))
    if channel == Channel.ONLINE and not process.allows("submit"):
        raise NotAllowed(_("Submissions are closed in this phase."))
    fields = contribution_fields(
        process=process,
        author=author,
        channel=channel,
        entered_by=entered_by,
        submission_key=submission_key,
        people_count=people_count,
        source_detail=source_detail,
    )
    with transaction.atomic():
        note = Note(text=text, **fields)
        note.full_clean(
            exclude=["process", "author", "entered_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        note, created = create_contribution(Note, {**fields, "text": text})
        if created:
            log(instance=note, action="dummy_process.note.submitted", user=entered_by or author)
            signals.note_submitted.send_on_commit(sender=Note, note=note)
    return note, created
