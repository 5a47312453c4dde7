"""Services of the events app: every change to registrations, attendance and event input."""

import datetime as dt
import json
import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.text import normalise_text, validate_clean_text
from civitas.notifications.services import notify
from civitas.participation.models import Channel, new_receipt_code
from civitas.participation.services import contribution_fields, create_contribution

from . import signals
from .input_kinds import input_kinds
from .models import (
    AgeBand,
    Attendance,
    BoardState,
    BoardVote,
    EventInput,
    EventSession,
    InputPhoto,
    ReceiptCard,
    Registration,
    RegistrationStatus,
)

logger = logging.getLogger(__name__)

MAX_CARDS_PER_BATCH = 200
MAX_PEOPLE = 100_000


# --- registration ---------------------------------------------------------------------------


def _adjustments(data: dict) -> dict:
    """Validated adjustments a person asks for at registration."""
    from django.conf import settings

    language = (data.get("interpretation_language") or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the listed languages."), code="interpretation_language")
    try:
        children = int(data.get("childcare_children") or 0)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Give the number of children."), code="childcare_children") from exc
    if not 0 <= children <= 10:
        raise DomainError(
            _("Childcare can be arranged for up to 10 children."), code="childcare_children"
        )
    other = normalise_text(data.get("other_needs") or "")
    if len(other) > 500:
        raise DomainError(_("Keep this under 500 characters."), code="other_needs")
    try:
        validate_clean_text(other)
    except Exception as exc:
        raise DomainError(_("The text contains invalid characters."), code="other_needs") from exc
    return {
        "interpretation_language": language,
        "childcare_children": children,
        "step_free_seating": bool(data.get("step_free_seating")),
        "other_needs": other,
    }


def registration_create(*, session: EventSession, user, data: dict | None = None) -> Registration:
    """Register `user` for `session`: confirmed while places are left, else waitlisted.

    The session row is locked, so two people taking the last place at once end up one
    confirmed and one on the waiting list. Callers check ``events.register``.
    """
    values = _adjustments(data or {})
    with transaction.atomic():
        session = EventSession.objects.select_for_update().get(pk=session.pk)
        if Registration.objects.active().filter(session=session, user=user).exists():
            raise Conflict(_("You are already registered for this session."))
        confirmed = Registration.objects.filter(
            session=session, status=RegistrationStatus.CONFIRMED
        ).count()
        full = session.capacity is not None and confirmed >= session.capacity
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    session=session, user=user, status=status, **values
                )
        except IntegrityError as exc:
            raise Conflict(_("You are already registered for this session.")) from exc
        log(
            instance=registration,
            action="events.registration.created",
            user=user,
            title=str(session),
            data={"status": status},
        )
        signals.registration_created.send_on_commit(sender=Registration, registration=registration)
    return registration


def _promote_next(session: EventSession) -> Registration | None:
    """Confirm the first person on the waiting list if a place is free (session locked)."""
    if session.capacity is not None:
        confirmed = Registration.objects.filter(
            session=session, status=RegistrationStatus.CONFIRMED
        ).count()
        if confirmed >= session.capacity:
            return None
    waiting = (
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.CONFIRMED
    waiting.promoted_at = timezone.now()
    waiting.save(update_fields=["status", "promoted_at"])
    log(instance=waiting, action="events.registration.promoted", user=None, title=str(session))
    event = session.page
    notify(
        recipients=[waiting.user],
        kind="events.place_confirmed",
        title=_("A place came free: you are registered for %(event)s"),
        body=_("You were on the waiting list for %(event)s on %(date)s; your place is confirmed."),
        url=event.url or "",
        params={"event": event.title, "date": _when(session.starts_at)},
    )
    signals.registration_promoted.send_on_commit(sender=Registration, registration=waiting)
    return waiting


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def registration_cancel(*, registration: Registration, by) -> Registration:
    """Cancel a registration; a freed place goes to the first person waiting, who is told."""
    with transaction.atomic():
        session = EventSession.objects.select_for_update().get(pk=registration.session_id)
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise Conflict(_("This registration was already cancelled."))
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        log(
            instance=registration,
            action="events.registration.cancelled",
            user=by,
            title=str(session),
        )
        signals.registration_cancelled.send_on_commit(
            sender=Registration, registration=registration
        )
        _promote_next(session)
    return registration


def reminders_send(*, at=None, ahead: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Remind confirmed people of sessions starting within `ahead` of `at` (now); each person
    is reminded once per registration. Returns how many reminders were sent."""
    at = at or timezone.now()
    sent = 0
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            reminded_at__isnull=True,
            session__starts_at__gt=at,
            session__starts_at__lte=at + ahead,
        )
        .select_related("user", "session__page")
        .order_by("pk")
    )
    for registration in due:
        with transaction.atomic():
            # Claim the row first, so two schedulers running at once remind once.
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=at)
            if not claimed:
                continue
            event = registration.session.page
            notify(
                recipients=[registration.user],
                kind="events.reminder",
                title=_("Reminder: %(event)s on %(date)s"),
                body=_("You are registered for %(event)s on %(date)s. See you there!"),
                url=event.url or "",
                params={"event": event.title, "date": _when(registration.session.starts_at)},
            )
            sent += 1
    return sent


# --- facilitator console --------------------------------------------------------------------


def attendance_record(*, event, by, total: int, by_age: dict, by_district: dict) -> Attendance:
    """Store how many came, with optional counts per age band and district (aggregates only).
    Band counts may not add up to more than the total."""
    from civitas.participation.models import District

    if not isinstance(total, int) or not 0 <= total <= MAX_PEOPLE:
        raise DomainError(_("Give the number of people present."), code="total")
    ages = {k: int(v) for k, v in by_age.items() if v}
    districts = {str(k): int(v) for k, v in by_district.items() if v}
    if set(ages) - set(AgeBand.values):
        raise DomainError(_("Unknown age band."), code="by_age")
    known = {str(pk) for pk in District.objects.values_list("pk", flat=True)}
    if set(districts) - known:
        raise DomainError(_("Unknown district."), code="by_district")
    if any(v < 0 for v in [*ages.values(), *districts.values()]):
        raise DomainError(_("Counts cannot be negative."), code="total")
    if sum(ages.values()) > total or sum(districts.values()) > total:
        raise DomainError(
            _("The counts per band add up to more than the people present."), code="total"
        )
    with transaction.atomic():
        attendance, _created = Attendance.objects.select_for_update().get_or_create(event=event)
        attendance.total = total
        attendance.by_age = ages
        attendance.by_district = districts
        attendance.recorded_by = by
        attendance.save()
        log(instance=event, action="events.attendance.recorded", user=by, data={"total": total})
        signals.attendance_recorded.send_on_commit(sender=Attendance, attendance=attendance)
    return attendance


def receipt_cards_create(*, event, by, count: int) -> list[ReceiptCard]:
    """Print a batch of receipt cards for the event; each code is unique platform-wide."""
    if not isinstance(count, int) or not 1 <= count <= MAX_CARDS_PER_BATCH:
        raise DomainError(
            _("Print between 1 and %(max)s cards at a time.") % {"max": MAX_CARDS_PER_BATCH},
            code="count",
        )
    with transaction.atomic():
        cards = ReceiptCard.objects.bulk_create(
            [ReceiptCard(event=event, code=new_receipt_code()) for _i in range(count)]
        )
        log(instance=event, action="events.cards.created", user=by, data={"count": count})
    return cards


def _claim_card(event, code: str) -> ReceiptCard | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    card = ReceiptCard.objects.select_for_update().filter(event=event, code=code).first()
    if card is None:
        raise DomainError(_("This card was not printed for this event."), code="receipt_code")
    if card.used_at is not None:
        raise Conflict(_("This card is already attached to another input."))
    card.used_at = timezone.now()
    card.save(update_fields=["used_at"])
    return card


def input_log(
    *,
    event,
    by,
    kind: str,
    text: str,
    title: str = "",
    data: dict | None = None,
    source_detail: str = "",
    people_count: int = 1,
    language: str = "",
    submission_key=None,
    photos=(),
    receipt_code: str = "",
):
    """Log input gathered at `event` (channel offline_event, entered by `by`): (item, created).

    The kind's handler hands it to its owning app (an idea goes through ideas' service) in
    the same transaction. The same `submission_key` returns the first result, so a console
    that syncs twice logs once. `photos` are files already cleaned by
    ``civitas.core.images.clean_photo``.
    Callers check ``events.log_input``.
    """
    if kind not in input_kinds:
        raise DomainError(_("Unknown kind of input."), code="kind")
    input_kind = input_kinds.get(kind)
    text = normalise_text(text or "")
    title = normalise_text(title or "")
    if not text and input_kind.needs_text:
        raise DomainError(_("Write down what was said."), code="text")
    if input_kind.needs_title and not title:
        raise DomainError(_("Give it a short title."), code="title")
    if input_kind.secret and (photos or receipt_code or people_count != 1 or title):
        raise DomainError(
            _("A ballot is one person's and carries nothing else: no title, photo or card."),
            code="kind",
        )
    fields = contribution_fields(
        process=event.process,
        author=None,
        channel=Channel.OFFLINE_EVENT,
        entered_by=by,
        source=event,
        source_detail=normalise_text(source_detail or ""),
        people_count=people_count,
        language=language,
        submission_key=submission_key,
    )
    if fields["submission_key"] is not None:
        existing = EventInput.objects.filter(submission_key=fields["submission_key"]).first()
        if existing is not None:
            if existing.event_id != event.pk:
                raise Conflict(_("This input was logged for another event."))
            return existing, False
    data = data or {}
    with transaction.atomic():
        card = _claim_card(event, receipt_code)
        fields["receipt_code"] = card.code if card else None
        target = None
        if input_kind.handle is not None:
            target = input_kind.handle(
                data=data,
                text=text,
                title=title,
                language=fields["language"],
                provenance={
                    "channel": Channel.OFFLINE_EVENT,
                    "entered_by": by,
                    "submission_key": fields["submission_key"],
                    "people_count": people_count,
                    "source": event,
                    "source_detail": fields["source_detail"],
                },
            )
        extra = {
            "event": event,
            "kind": kind,
            "title": title[:150],
            "text": text or input_kind.describe(data),
            "tally": int(data.get("tally") or 0),
            "board_state": _board_state(event, input_kind),
        }
        if target is not None and card is not None:
            _give_card_code(target, card.code)
        if target is not None:
            extra["target_type"] = ContentType.objects.get_for_model(target)
            extra["target_id"] = target.pk
            extra["process"] = _process_of(target) or event.process
        if len(text) > 5000:
            raise DomainError(_("Keep the text under 5000 characters."), code="text")
        item, created = create_contribution(EventInput, {**fields, **extra})
        if not created:
            return item, False
        for photo in photos:
            InputPhoto.objects.create(
                item=item,
                image=photo,
                width=getattr(photo, "width", 0),
                height=getattr(photo, "height", 0),
            )
        log(instance=item, action="events.input.logged", user=by, data={"kind": kind})
        signals.offline_input_logged.send_on_commit(sender=EventInput, item=item)
        if item.board_state == BoardState.SHOWN:
            transaction.on_commit(partial(board_push_item, item.pk), robust=True)
    return item, True


def _give_card_code(target, code: str) -> None:
    """What the input became in its process app (an idea typed from a workshop card) carries
    the card's code, so the person holding the card looks it up wherever that app's input is
    answered. Written in the input's transaction, before the owning app's events are
    delivered, so they carry the card's code too; targets without a receipt code (a budget
    round a paper ballot was counted in) are left as they are."""
    field_names = {f.name for f in target._meta.concrete_fields}
    if "receipt_code" not in field_names or getattr(target, "receipt_code", None) == code:
        return
    type(target)._default_manager.filter(pk=target.pk).update(receipt_code=code)
    target.receipt_code = code


def _board_state(event, input_kind) -> str:
    if not input_kind.on_board:
        return BoardState.REJECTED
    return BoardState.PENDING if event.board_moderated else BoardState.SHOWN


def _process_of(target):
    """The process a target belongs to: its own `process`, or itself when it is one."""
    from civitas.participation.models import ProcessPage

    process = getattr(target, "process", None)
    if process is None and isinstance(target, ProcessPage):
        return target
    return process


def board_post(*, event, author, text: str, submission_key=None, language: str = ""):
    """A participant adds input from their phone via the live board: (item, created).

    Signed-in people post under their name; others anonymously, with a receipt code to look
    it up later. Callers check ``events.post_on_board``.
    """
    text = normalise_text(text or "")
    if not text:
        raise DomainError(_("Write your input first."), code="text")
    if len(text) > 1000:
        raise DomainError(_("Keep it under 1000 characters."), code="text")
    try:
        validate_clean_text(text)
    except Exception as exc:
        raise DomainError(_("The text contains invalid characters."), code="text") from exc
    fields = contribution_fields(
        process=event.process,
        author=author,
        channel=Channel.ONLINE,
        source=event,
        source_detail=str(_("Live board")),
        language=language,
        submission_key=submission_key,
        with_receipt=author is None,
    )
    with transaction.atomic():
        item, created = create_contribution(
            EventInput,
            {
                **fields,
                "event": event,
                "kind": "comment",
                "text": text,
                "board_state": BoardState.PENDING if event.board_moderated else BoardState.SHOWN,
            },
        )
        if created:
            log(instance=event, action="events.input.posted", user=author, data={"item": item.pk})
            signals.offline_input_logged.send_on_commit(sender=EventInput, item=item)
            if item.board_state == BoardState.SHOWN:
                transaction.on_commit(partial(board_push_item, item.pk), robust=True)
    return item, created


def board_moderate(*, item: EventInput, by, show: bool) -> EventInput:
    """A facilitator lets an input onto the board or keeps it off; callers check
    ``events.moderate_board``."""
    state = BoardState.SHOWN if show else BoardState.REJECTED
    with transaction.atomic():
        item = EventInput.objects.select_for_update().get(pk=item.pk)
        if item.board_state == state:
            return item
        item.board_state = state
        item.save(update_fields=["board_state", "updated_at"])
        log(
            instance=item.event,
            action="events.board.moderated",
            user=by,
            data={"item": item.pk, "state": state},
        )
        if show:
            transaction.on_commit(partial(board_push_item, item.pk), robust=True)
    return item


def board_vote(*, item: EventInput, voter_key: str) -> int:
    """Put one dot on a shown input (once per voter); returns the input's dot count."""
    if item.board_state != BoardState.SHOWN or item.hidden_at is not None:
        raise NotAllowed(_("This input is not on the board."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                BoardVote.objects.create(item=item, voter_key=voter_key)
        except IntegrityError:
            return EventInput.objects.get(pk=item.pk).dot_votes
        EventInput.objects.filter(pk=item.pk).update(dot_votes=F("dot_votes") + 1)
        votes = EventInput.objects.get(pk=item.pk).dot_votes
        transaction.on_commit(partial(board_push_votes, item.event_id, item.pk, votes), robust=True)
    return votes


# --- live board push ------------------------------------------------------------------------


def board_group(event_id: int) -> str:
    """The channel-layer group of one event's live board."""
    return f"events.board.{event_id}"


# Pushed text is cut here; a board receiving "more" fetches the whole input by polling once.
PUSH_TEXT_LIMIT = 300


def board_payload(item: EventInput) -> dict:
    """What the board shows of an input (no personal data)."""
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "text": item.text,
        "table": item.source_detail,
        "people": item.people_count,
        "tally": item.tally,
        "votes": item.dot_votes,
        "created_at": item.created_at.isoformat(),
    }


def board_push_payload(item: EventInput) -> dict:
    """The small message every open board receives for a new input: what the screen shows,
    the text cut to PUSH_TEXT_LIMIT characters (then "more": true)."""
    payload = {
        "id": item.pk,
        "title": item.title,
        "text": item.text[:PUSH_TEXT_LIMIT],
        "table": item.source_detail,
        "votes": item.dot_votes,
    }
    if len(item.text) > PUSH_TEXT_LIMIT:
        payload["more"] = True
    return payload


def _group_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The input is stored; boards fall back to polling and show it on their next refresh.
        logger.warning("Live board push failed; boards will pick it up by polling.", exc_info=True)


def board_push_item(item_id: int) -> None:
    item = EventInput.objects.filter(pk=item_id).first()
    if item is None or item.board_state != BoardState.SHOWN:
        return
    _board_send(item.event_id, {"type": "item", "item": board_push_payload(item)})


def board_push_votes(event_id: int, item_id: int, votes: int) -> None:
    _board_send(event_id, {"type": "votes", "id": item_id, "votes": votes})


def _board_send(event_id: int, payload: dict) -> None:
    # One message to the group whatever the number of screens, encoded once here rather than
    # by each of the room's hundreds of sockets.
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    _group_send(board_group(event_id), {"type": "board.message", "text": text})


def forget_person(user) -> None:
    """Account deletion: registrations (and the needs people told us) go."""
    Registration.objects.filter(user=user).delete()
