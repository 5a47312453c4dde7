"""Services of the ideas app: every change to an idea goes through here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, get_language
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.core.images import clean_photo
from civitas.core.places import map_point
from civitas.core.text import normalise_text
from civitas.interactions.models import Follow, Support
from civitas.interactions.services import content_hide
from civitas.interactions.targets import content_type_of
from civitas.notifications.services import notify
from civitas.participation.models import Channel, District, Topic
from civitas.participation.services import contribution_fields, create_contribution

from . import counters, kinds, signals
from .models import (
    HistoryKind,
    Idea,
    IdeaChallengePage,
    IdeaHistoryEntry,
    IdeaRedaction,
    IdeaStatus,
)

REASON_MAX_LENGTH = IdeaRedaction._meta.get_field("reason").max_length

EDITABLE_FIELDS = (
    "title",
    "body",
    "topic",
    "district",
    "location_text",
    "latitude",
    "longitude",
    "image_alt",
)


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
    latitude, longitude = map_point(data.get("latitude"), data.get("longitude"))
    values = {
        "title": normalise_text(data.get("title") or ""),
        "body": normalise_text(data.get("body") or ""),
        "location_text": normalise_text(data.get("location_text") or ""),
        "image_alt": normalise_text(data.get("image_alt") or ""),
        "topic": _related(Topic, data.get("topic"), "topic"),
        "district": _related(District, data.get("district"), "district"),
        "latitude": latitude,
        "longitude": longitude,
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
    try:
        # status_id given so that the default (a query) is not looked up for a check.
        Idea(status_id="", **values).clean_fields(
            exclude=["process", "author", "entered_by", "status"]
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], code=field) from exc
    return values


def _photo(upload):
    """A cleaned copy of an uploaded image (type and size checked, metadata stripped), or
    DomainError about the "image" field; None when nothing was uploaded."""
    if not upload:
        return None
    try:
        return clean_photo(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="image") from exc


def _delete_file_on_commit(name: str) -> None:
    """Remove a replaced or removed image from storage once the change is saved."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name), robust=True)


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
    `data` may hold an uploaded "image" (cleaned here) and its description "image_alt".

    Input from other channels (a facilitator typing a workshop idea) needs `entered_by` and is
    accepted in any phase; the same `submission_key` never creates a second idea.
    """
    values = _cleaned(data)
    if channel == Channel.ONLINE and not challenge.allows("submit"):
        raise NotAllowed(_("Ideas cannot be submitted in this phase."))
    image = _photo(data.get("image"))
    if image is not None:
        values["image"] = image
    values["status"] = IdeaStatus.objects.initial()
    if values["status"] is None:
        raise Conflict(_("Ideas cannot be received now: the city has no status for new ideas."))
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
    `data` keep their value; a new "image" replaces the old one, "image_remove" removes it,
    and "point_remove" removes the point on the map (whatever coordinates come with it)."""
    if data.get("point_remove"):
        data = {**data, "latitude": None, "longitude": None}
    values = _cleaned({**{name: getattr(idea, name) for name in EDITABLE_FIELDS}, **data})
    image = _photo(data.get("image"))
    with transaction.atomic():
        idea = _locked(idea)
        if by is None or idea.author_id != by.pk:
            raise NotAllowed(_("Only the author can edit an idea."))
        if idea.withdrawn_at or idea.hidden_at:
            raise Conflict(_("This idea can no longer be edited."))
        if not idea.challenge.allows("edit"):
            raise NotAllowed(_("Ideas cannot be edited in this phase."))
        changed = [name for name, value in values.items() if getattr(idea, name) != value]
        if image is not None or (data.get("image_remove") and idea.image):
            _delete_file_on_commit(idea.image.name)
            values["image"] = image if image is not None else ""
            changed.append("image")
        if not changed:
            return idea
        _save_text(idea, values, changed, by=by, kind=HistoryKind.EDITED)
    return idea


def _save_text(idea: Idea, values: dict, changed: list, *, by, kind: str) -> None:
    """Write the changed fields with their public history step (naming the fields), audit
    entry and event."""
    for name in changed:
        setattr(idea, name, values[name])
    idea.save(update_fields=[*changed, "updated_at"])
    IdeaHistoryEntry.objects.create(idea=idea, kind=kind, fields=list(changed))
    by_moderator = kind == HistoryKind.MODERATED
    action = "ideas.idea.redacted" if by_moderator else "ideas.idea.edited"
    log(instance=idea, action=action, user=by, data={"fields": changed})
    signals.idea_edited.send_on_commit(
        sender=Idea, idea=idea, fields=list(changed), by=by, by_moderator=by_moderator
    )


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
        IdeaHistoryEntry.objects.create(
            idea=idea, kind=HistoryKind.WITHDRAWN, created_at=idea.withdrawn_at
        )
        log(instance=idea, action="ideas.idea.withdrawn", user=by)
        signals.idea_withdrawn.send_on_commit(sender=Idea, idea=idea)
    return idea


def _chosen_status(code, *, current: str) -> IdeaStatus:
    """The status `code` names, locked against deletion until the transaction ends; an
    inactive one only when the idea already has it (it can no longer be chosen)."""
    statuses = IdeaStatus.objects.select_for_update(no_key=True)
    if code != current:
        statuses = statuses.active()
    status = statuses.filter(code=code).first() if isinstance(code, str) and code else None
    if status is None:
        raise DomainError(_("Unknown status."), code="status")
    return status


def _answer_text(text) -> str:
    text = normalise_text(text or "")
    if len(text) > 10_000:
        raise DomainError(_("The answer is too long."), code="answer")
    return text


def idea_status_set(
    *,
    idea: Idea,
    status: str,
    answer: str,
    by,
    notify_people: bool = True,
    translations: dict | None = None,
) -> set[int]:
    """Set an idea's status and the official answer: `answer` in the active language and,
    optionally, `translations` ({site language code: text}) in others; callers check
    ``ideas.set_status``. Nothing changes, and no event is sent, when nothing differs.
    Returns the ids of the people told (empty when nobody was).

    Its author, supporters and followers are told once each (unless the idea was withdrawn: it
    left the process, the change is recorded and shown, nobody is told) when the status
    changes, the first answer is given, or the answer already written in the active language
    changes. Adding or changing a translation alone is saved and logged quietly: no one is
    told again, the timeline gets no step and no event is sent.
    """
    language = get_language()
    texts = {
        code: _answer_text(text)
        for code, text in (translations or {}).items()
        if code in AVAILABLE_LANGUAGES and code != language
    }
    texts[language] = _answer_text(answer)
    with transaction.atomic():
        idea = _locked(idea)
        old_status = idea.status_id
        old_texts = {code: _stored_answer(idea, code) for code in AVAILABLE_LANGUAGES}
        new_status = _chosen_status(status, current=old_status)
        new_texts = {**old_texts, **texts}
        if old_status == status and old_texts == new_texts:
            return set()
        status_changed = old_status != status
        first_answer = not any(old_texts.values()) and any(new_texts.values())
        answer_changed = first_answer or (
            bool(old_texts[language]) and new_texts[language] != old_texts[language]
        )
        for code, text in new_texts.items():
            setattr(idea, build_localized_fieldname("official_answer", code), text)
        idea.status = new_status
        if status_changed or answer_changed:
            idea.status_changed_at = timezone.now()
        idea.save()
        if status_changed:
            IdeaHistoryEntry.objects.create(idea=idea, kind=HistoryKind.STATUS, status=new_status)
        if answer_changed and any(new_texts.values()):
            IdeaHistoryEntry.objects.create(idea=idea, kind=HistoryKind.ANSWER, status=new_status)
        news = status_changed or answer_changed
        told = set()
        if news and notify_people and idea.withdrawn_at is None:
            told = _notify_status(idea, by)
        log(
            instance=idea,
            action="ideas.idea.status_changed",
            user=by,
            data={"old_status": old_status, "status": status},
        )
        if news:
            signals.idea_status_changed.send_on_commit(
                sender=Idea, idea=idea, old_status=old_status, by=by
            )
    return told


def _stored_answer(idea: Idea, language: str) -> str:
    """The answer as written in `language`, without falling back to another language."""
    return getattr(idea, build_localized_fieldname("official_answer", language)) or ""


def interested_people(idea: Idea, *, exclude=()) -> list:
    """The author, supporters and followers of `idea`, each once, without `exclude` (ids)."""
    target = {"target_type": content_type_of(idea), "target_id": idea.pk}
    supporters = Support.objects.filter(**target).values("user_id")
    followers = Follow.objects.filter(**target).values("user_id")
    people = get_user_model().objects.filter(
        Q(pk=idea.author_id) | Q(pk__in=supporters) | Q(pk__in=followers)
    )
    return list(people.exclude(pk__in=[pk for pk in exclude if pk is not None]))


def _notify_status(idea: Idea, by) -> set[int]:
    """Tell the idea's people about its status and answer; returns their ids."""
    recipients = interested_people(idea, exclude=[getattr(by, "pk", None)])
    notify(
        recipients=recipients,
        kind=kinds.STATUS_CHANGED,
        title=_("“%(title)s”: %(status)s"),
        # Read when each person's text is made, so in their language (or the nearest one the
        # answer is written in); "%" doubled, as the body is filled with `params` too.
        body=lazy(lambda: idea.official_answer[:500].replace("%", "%%"), str)(),
        url=idea.get_absolute_url(),
        # The status itself: its label is read in each person's language.
        params={"title": idea.title[:80], "status": idea.status},
    )
    return {person.pk for person in recipients}


def idea_hide(*, idea: Idea, by, reason: str) -> Idea:
    """A moderator hides an idea with a reason; the author is told and ``idea_hidden`` is sent
    (by the kernel's hiding, relayed in receivers.py)."""
    content_hide(target=idea, by=by, reason=reason)
    idea.refresh_from_db()
    return idea


def _moderation_reason(reason: str) -> str:
    reason = normalise_text(reason or "")
    if not reason:
        raise DomainError(_("Give a reason; it is kept with the change."), code="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            _("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
            code="reason",
        )
    return reason


def idea_redact(*, idea: Idea, by, reason: str, data: dict) -> Idea:
    """A moderator edits an idea's text for privacy; the previous text is kept for staff with
    who, when and why, and the public history says a moderator edited it. Callers check
    ``ideas.moderate_idea``."""
    reason = _moderation_reason(reason)
    values = _cleaned({**{name: getattr(idea, name) for name in EDITABLE_FIELDS}, **data})
    with transaction.atomic():
        idea = _locked(idea)
        changed = [
            name
            for name in ("title", "body", "location_text")
            if getattr(idea, name) != values[name]
        ]
        if not changed:
            raise DomainError(_("Nothing was changed."), code="body")
        IdeaRedaction.objects.create(
            idea=idea,
            by=by,
            reason=reason,
            previous={name: getattr(idea, name) for name in changed},
        )
        _save_text(idea, values, changed, by=by, kind=HistoryKind.MODERATED)
    return idea


def idea_image_remove(*, idea: Idea, by, reason: str = "") -> Idea:
    """Remove an idea's image: its author may at any time, a moderator (callers check
    ``ideas.moderate_idea``) with a reason kept for staff; the file is deleted."""
    is_author = by is not None and idea.author_id == by.pk
    reason = "" if is_author else _moderation_reason(reason)
    with transaction.atomic():
        idea = _locked(idea)
        if not idea.image:
            raise Conflict(_("This idea has no image."), code="image")
        _delete_file_on_commit(idea.image.name)
        if not is_author:
            IdeaRedaction.objects.create(
                idea=idea,
                by=by,
                reason=reason,
                previous={"image": idea.image.name, "image_alt": idea.image_alt},
            )
        kind = HistoryKind.EDITED if is_author else HistoryKind.MODERATED
        values = {"image": "", "image_alt": ""}
        _save_text(idea, values, ["image", "image_alt"], by=by, kind=kind)
    return idea


def forget_images(user) -> int:
    """Delete the images of `user`'s ideas (their account is being deleted; the ideas stay,
    anonymised); returns how many."""
    ideas = Idea.objects.filter(author=user).exclude(image="")
    names = list(ideas.values_list("image", flat=True))
    for name in names:
        _delete_file_on_commit(name)
    ideas.update(image="", image_alt="")
    return len(names)


def idea_comments_lock(*, idea: Idea, by, locked: bool) -> Idea:
    """A moderator closes (or reopens) an idea's comments; existing comments stay."""
    with transaction.atomic():
        idea = _locked(idea)
        if (idea.comments_locked_at is not None) == locked:
            return idea
        idea.comments_locked_at = timezone.now() if locked else None
        idea.save(update_fields=["comments_locked_at", "updated_at"])
        kind = HistoryKind.COMMENTS_LOCKED if locked else HistoryKind.COMMENTS_UNLOCKED
        IdeaHistoryEntry.objects.create(idea=idea, kind=kind)
        action = "ideas.idea.comments_locked" if locked else "ideas.idea.comments_unlocked"
        log(instance=idea, action=action, user=by)
    return idea


def _move_rows(model, old: Idea, kept: Idea) -> int:
    """Point `model` rows (supports or follows) of `old` at `kept`, skipping people who already
    have one there, so nobody counts twice; returns how many moved."""
    target_type = content_type_of(old)
    rows = model.objects.filter(target_type=target_type, target_id=old.pk)
    already = model.objects.filter(target_type=target_type, target_id=kept.pk).values("user_id")
    movable = rows.exclude(user_id__in=already)
    try:
        with transaction.atomic():
            return movable.update(target_id=kept.pk)
    except IntegrityError:
        pass  # someone acted on the kept idea meanwhile: move the rows one by one
    moved = 0
    for row in list(movable):
        try:
            with transaction.atomic():
                moved += model.objects.filter(pk=row.pk).update(target_id=kept.pk)
        except IntegrityError:
            continue
    return moved


def carry_over(old: Idea) -> int:
    """Move supports and follows of a merged idea to the idea it was merged into (idempotent,
    also run for supports that arrive while a merge commits); returns supports moved."""
    if old.merged_into_id is None:
        return 0
    with transaction.atomic():
        kept = Idea.objects.get(pk=old.merged_into_id)
        counters.lock_pair(old.pk, kept.pk)
        moved = _move_rows(Support, old, kept)
        _move_rows(Follow, old, kept)
        if moved:
            counters.recount(old.pk)
            counters.recount(kept.pk)
            count = Support.objects.for_object(kept).count()
            signals.idea_supported.send_on_commit(
                sender=Idea, idea=kept, user=None, supported=True, count=count
            )
    return moved


def idea_merge(*, idea: Idea, into: Idea, by) -> Idea:
    """A moderator merges the duplicate `idea` into `into`: it points there, its supports and
    followers move (a person supporting both counts once), and its people are told. Callers
    check ``ideas.moderate_idea`` on both."""
    if idea.pk == into.pk:
        raise DomainError(_("An idea cannot be merged into itself."), code="into")
    with transaction.atomic():
        locked = counters.lock_pair(idea.pk, into.pk)
        if len(locked) != 2:
            raise DomainError(_("Choose an existing idea."), code="into")
        idea, into = locked[idea.pk], locked[into.pk]
        if idea.merged_into_id is not None:
            raise Conflict(_("This idea was already merged."), code="idea")
        if into.merged_into_id is not None or into.hidden_at or into.withdrawn_at:
            raise Conflict(_("Choose an idea that is still open."), code="into")
        idea.merged_into = into
        idea.save(update_fields=["merged_into", "updated_at"])
        IdeaHistoryEntry.objects.create(idea=idea, kind=HistoryKind.MERGED, other_idea=into)
        IdeaHistoryEntry.objects.create(idea=into, kind=HistoryKind.ABSORBED, other_idea=idea)
        people = interested_people(idea, exclude=[getattr(by, "pk", None)])
        _move_rows(Support, idea, into)
        _move_rows(Follow, idea, into)
        counters.recount(idea.pk)
        counters.recount(into.pk)
        log(instance=idea, action="ideas.idea.merged", user=by, data={"into": into.pk})
        notify(
            recipients=people,
            kind=kinds.MERGED,
            title=_("“%(title)s” was merged into “%(into)s”"),
            body=_("Its supports and followers now belong to the idea it was merged into."),
            url=into.get_absolute_url(),
            params={"title": idea.title[:80], "into": into.title[:80]},
        )
        signals.idea_merged.send_on_commit(sender=Idea, idea=idea, into=into, by=by)
        count = Support.objects.for_object(into).count()
        signals.idea_supported.send_on_commit(
            sender=Idea, idea=into, user=None, supported=True, count=count
        )
        # Supports committed while this transaction ran are moved once it has committed.
        transaction.on_commit(lambda: carry_over(idea), robust=True)
    return idea
