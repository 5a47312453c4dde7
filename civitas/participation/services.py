"""Kernel services shared by every contribution type: channel/provenance rules, idempotency."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civitas.core.errors import DomainError, NotAllowed

from .models import Channel, new_receipt_code, validate_phases


def contribution_fields(
    *,
    process,
    author,
    channel: str = Channel.ONLINE,
    entered_by=None,
    source=None,
    source_detail: str = "",
    people_count: int = 1,
    language: str = "",
    submission_key: uuid.UUID | str | None = None,
    with_receipt: bool = False,
) -> dict:
    """Validate channel and provenance and return the Contribution base fields for a new row.

    Online input needs its author (or a receipt code when anonymous); input from any other
    channel needs the staff member who entered it, so offline input is traceable like online.
    """
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), code="channel")
    if channel == Channel.ONLINE:
        if author is None and not with_receipt:
            raise NotAllowed(_("Sign in to contribute."))
        if entered_by is not None and entered_by != author:
            raise DomainError(_("Online input is entered by its author."), code="entered_by")
    elif entered_by is None:
        raise DomainError(
            _("Input from events, paper or phone must say who entered it."), code="entered_by"
        )
    if not isinstance(people_count, int) or people_count < 1 or people_count > 100_000:
        raise DomainError(_("The number of people must be between 1 and 100000."), code="people")
    if submission_key is not None and not isinstance(submission_key, uuid.UUID):
        try:
            submission_key = uuid.UUID(str(submission_key))
        except ValueError as exc:
            raise DomainError(_("Invalid submission key."), code="submission_key") from exc
    fields = {
        "process": process,
        "author": author,
        "channel": channel,
        "entered_by": entered_by if channel != Channel.ONLINE else None,
        "source_detail": source_detail,
        "people_count": people_count,
        "language": (language or get_language() or "en").split("-")[0][:8],
        "submission_key": submission_key,
        "receipt_code": new_receipt_code() if with_receipt or author is None else None,
    }
    if source is not None:
        fields["source_type"] = ContentType.objects.get_for_model(source)
        fields["source_id"] = source.pk
    return fields


def create_contribution(model, fields: dict):
    """Create a contribution once per submission key: (obj, created).

    A retried or offline-synced submission carrying a key already stored returns the stored
    row instead of a duplicate; the unique constraint settles concurrent retries.
    """
    key = fields.get("submission_key")
    if key is not None:
        existing = model.objects.filter(submission_key=key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return model.objects.create(**fields), True
    except IntegrityError:
        if key is None:
            raise
        return model.objects.get(submission_key=key), False


def phases_replace(*, page, phases) -> None:
    """Replace a process's phases with `phases` (unsaved Phase objects), all or nothing."""
    validate_phases(phases, {key for key, _label in type(page).allowed_phase_types()})
    with transaction.atomic():
        page.phases.all().delete()
        for order, phase in enumerate(sorted(phases, key=lambda p: p.starts_at)):
            phase.page = page
            phase.sort_order = order
            phase.save()
