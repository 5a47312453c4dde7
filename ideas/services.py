"""Services of the ideas app: every change to an idea goes through here."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.text import normalise_text
from civitas.participation.models import Channel, District, Topic
from civitas.participation.services import contribution_fields, create_contribution

from . import signals
from .models import Idea, IdeaChallengePage, IdeaStatus

EDITABLE_FIELDS = ("title", "body", "topic", "district", "location_text", "latitude", "longitude")


def _coordinate(value, low: int, high: int, code: str):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Coordinates must be numbers."), code=code) from exc
    if not low <= number <= high:
        raise DomainError(_("The point on the map is outside the valid range."), code=code)
    return number


def _related(model, value, code: str):
    """A Topic or District given as an instance, a primary key or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (model.DoesNotExist, TypeError, ValueError) as exc:
        raise DomainError(_("Choose one of the listed options."), code=code) from exc


def _cleaned(data: dict) -> dict:
    """Normalise and validate the editable fields of an idea; DomainError names the field."""
    values = {
        "title": normalise_text(data.get("title") or ""),
        "body": normalise_text(data.get("body") or ""),
        "location_text": normalise_text(data.get("location_text") or ""),
        "topic": _related(Topic, data.get("topic"), "topic"),
        "district": _related(District, data.get("district"), "district"),
        "latitude": _coordinate(data.get("latitude"), -90, 90, "latitude"),
        "longitude": _coordinate(data.get("longitude"), -180, 180, "longitude"),
    }
    if not values["title"]:
        raise DomainError(_("Give your idea a title."), code="title")
    if not values["body"]:
        raise DomainError(_("Describe your idea."), code="body")
    # A TextField's max_length is only enforced by forms, so the service checks it itself.
    if len(values["body"]) > Idea._meta.get_field("body").max_length:
        raise DomainError(
            _("Keep the description under %(limit)s characters.") % {"limit": 5000}, code="body"
        )
    if (values["latitude"] is None) != (values["longitude"] is None):
        raise DomainError(_("A point on the map needs both coordinates."), code="latitude")
    try:
        Idea(**values).clean_fields(exclude=["process", "author", "entered_by", "status"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], code=field) from exc
    return values


def idea_submit(
    *,
    challenge: IdeaChallengePage,
    author,
    data: dict,
    channel: str = Channel.ONLINE,
    entered_by=None,
    submission_key=None,
    people_count: int = 1,
    source=None,
    source_detail: str = "",
):
    """Submit an idea to `challenge`: online only while its phase allows "submit"; (idea, created).

    Input from other channels (a facilitator typing a workshop idea) needs `entered_by` and is
    accepted in any phase; the same `submission_key` never creates a second idea.
    """
    values = _cleaned(data)
    if channel == Channel.ONLINE and not challenge.allows("submit"):
        raise NotAllowed(_("Ideas cannot be submitted in this phase."))
    fields = contribution_fields(
        process=challenge,
        author=author,
        channel=channel,
        entered_by=entered_by,
        submission_key=submission_key,
        people_count=people_count,
        source=source,
        source_detail=normalise_text(source_detail),
    )
    with transaction.atomic():
        idea, created = create_contribution(Idea, {**fields, **values})
        if created:
            log(instance=idea, action="ideas.idea.submitted", user=entered_by or author)
            signals.idea_submitted.send_on_commit(sender=Idea, idea=idea)
    return idea, created


def _locked(idea: Idea) -> Idea:
    # Lock the idea row only: the process is joined on a nullable key (an outer join).
    return Idea.objects.select_for_update(of=("self",)).select_related("process").get(pk=idea.pk)


def idea_edit(*, idea: Idea, by, data: dict) -> Idea:
    """The author changes their idea while the challenge's phase allows "edit"; fields not in
    `data` keep their value."""
    values = _cleaned({**{name: getattr(idea, name) for name in EDITABLE_FIELDS}, **data})
    with transaction.atomic():
        idea = _locked(idea)
        if by is None or idea.author_id != by.pk:
            raise NotAllowed(_("Only the author can edit an idea."))
        if idea.withdrawn_at or idea.hidden_at:
            raise Conflict(_("This idea can no longer be edited."))
        if not idea.challenge.allows("edit"):
            raise NotAllowed(_("Ideas cannot be edited in this phase."))
        changed = [name for name, value in values.items() if getattr(idea, name) != value]
        if not changed:
            return idea
        for name in changed:
            setattr(idea, name, values[name])
        idea.save(update_fields=[*changed, "updated_at"])
        log(instance=idea, action="ideas.idea.edited", user=by, data={"fields": changed})
        signals.idea_edited.send_on_commit(sender=Idea, idea=idea)
    return idea


def idea_withdraw(*, idea: Idea, by) -> Idea:
    """The author withdraws their idea while the phase allows "edit"; it stays for the record."""
    with transaction.atomic():
        idea = _locked(idea)
        if by is None or idea.author_id != by.pk:
            raise NotAllowed(_("Only the author can withdraw an idea."))
        if idea.withdrawn_at:
            raise Conflict(_("This idea was already withdrawn."))
        if not idea.challenge.allows("edit"):
            raise NotAllowed(_("Ideas cannot be withdrawn in this phase."))
        idea.withdrawn_at = timezone.now()
        idea.save(update_fields=["withdrawn_at", "updated_at"])
        log(instance=idea, action="ideas.idea.withdrawn", user=by)
        signals.idea_withdrawn.send_on_commit(sender=Idea, idea=idea)
    return idea


def idea_status_set(*, idea: Idea, status: str, answer: str, by) -> Idea:
    """Set an idea's status and the official answer (in the active language); callers check
    ``ideas.set_status``. Nothing changes, and no event is sent, when both are unchanged."""
    if status not in IdeaStatus.values:
        raise DomainError(_("Unknown status."), code="status")
    answer = normalise_text(answer or "")
    if len(answer) > 10_000:
        raise DomainError(_("The answer is too long."), code="answer")
    with transaction.atomic():
        idea = _locked(idea)
        old_status = idea.status
        if old_status == status and idea.official_answer == answer:
            return idea
        idea.status = status
        idea.official_answer = answer
        idea.status_changed_at = timezone.now()
        idea.save()
        log(
            instance=idea,
            action="ideas.idea.status_changed",
            user=by,
            data={"old_status": old_status, "status": status},
        )
        signals.idea_status_changed.send_on_commit(
            sender=Idea, idea=idea, old_status=old_status, by=by
        )
    return idea
