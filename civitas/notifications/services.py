"""State changes of notifications: tell people, mark what they read, keep their preferences."""

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from wagtail.log_actions import log

from .kinds import NotificationKind, notification_kinds
from .models import Notification, NotificationPreference
from .tasks import send_notification_emails

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length
# One e-mail task sends at most this many messages, so a retry resends little.
EMAIL_BATCH_SIZE = 100


def user_group(user_id: int) -> str:
    """The channel-layer group that reaches every open page of one person."""
    return f"notifications.user.{user_id}"


def kind_or_error(key: str) -> NotificationKind:
    if key not in notification_kinds:
        raise ValueError(f"Unknown notification kind {key!r}; register it in AppConfig.ready()")
    return notification_kinds.get(key)


def effective_choice(kind: NotificationKind, preference) -> tuple[bool, bool]:
    """(in_app, email) from a stored preference or, without one, the kind's defaults;
    mandatory kinds are always delivered in-app."""
    if preference is None:
        in_app, email = kind.in_app_by_default, kind.email_by_default
    else:
        in_app, email = preference.in_app, preference.email
    return in_app or kind.mandatory, email


def delivery_choices(user_ids, kind: NotificationKind) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) per user id for one kind, in one query."""
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind.key)
    }
    return {user_id: effective_choice(kind, preferences.get(user_id)) for user_id in user_ids}


def person_choices(user) -> dict[str, tuple[bool, bool]]:
    """(in_app, email) per registered kind for one person, in one query."""
    preferences = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return {
        kind.key: effective_choice(kind, preferences.get(kind.key)) for kind in notification_kinds
    }


def language_of(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def render_text(text, params: dict | None, language: str) -> str:
    """`text` (a string or lazy translation) in `language`, with %-style `params` filled in."""
    if not text:
        return ""
    with translation.override(language):
        rendered = str(text)
        if params:
            rendered = rendered % {key: str(value) for key, value in params.items()}
    return rendered


def can_receive(user) -> bool:
    return user is not None and user.is_active and getattr(user, "deleted_at", None) is None


def notify(*, recipients, kind: str, title, body="", url: str = "", params: dict | None = None):
    """Tell `recipients` about something of `kind`; returns the in-app rows created.

    Each person gets the title and body in their own language (pass lazy translations and
    `params` for placeholders), in-app and/or by e-mail as their preferences say. In-app rows
    are written in the caller's transaction; e-mail tasks and the live push follow its commit.
    Deleted and inactive accounts are skipped.
    """
    notification_kind = kind_or_error(kind)
    people = {user.pk: user for user in recipients if can_receive(user)}
    if not people:
        return []
    choices = delivery_choices(people.keys(), notification_kind)
    rows = []
    mail: dict[str, dict] = {}
    for user_id, user in people.items():
        in_app, email = choices[user_id]
        language = language_of(user)
        title_text = render_text(title, params, language)[:TITLE_MAX_LENGTH]
        body_text = render_text(body, params, language)
        if in_app:
            rows.append(
                Notification(recipient=user, kind=kind, title=title_text, body=body_text, url=url)
            )
        if email and user.email:
            batch = mail.setdefault(
                language, {"title": title_text, "body": body_text, "user_ids": []}
            )
            batch["user_ids"].append(user_id)
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        for language, batch in mail.items():
            ids = batch["user_ids"]
            for start in range(0, len(ids), EMAIL_BATCH_SIZE):
                transaction.on_commit(
                    partial(
                        enqueue_emails,
                        user_ids=ids[start : start + EMAIL_BATCH_SIZE],
                        kind=kind,
                        title=batch["title"],
                        body=batch["body"],
                        url=url,
                        language=language,
                    ),
                    robust=True,
                )
        if created:
            messages = {
                row.recipient_id: {"type": "notification.created", "title": row.title, "url": url}
                for row in created
            }
            transaction.on_commit(partial(push_unread, messages), robust=True)
    return created


def enqueue_emails(**kwargs) -> None:
    send_notification_emails.enqueue(**kwargs)


def unread_counts(user_ids) -> dict[int, int]:
    """Unread in-app notifications per user id, in one query."""
    counts = (
        Notification.objects.unread()
        .filter(recipient_id__in=list(user_ids))
        .values_list("recipient_id")
        .annotate(n=Count("pk"))
    )
    return dict(counts)


def push_unread(messages: dict[int, dict]) -> None:
    """Send each person's open pages their new unread count (plus `messages[user_id]`).

    Live updates are a convenience: when the channel layer is down (Redis unreachable) we log
    and carry on, because the notification rows are already stored.
    """
    counts = unread_counts(messages.keys())
    layer = get_channel_layer()
    if layer is None:
        return
    payloads = [
        (user_group(user_id), {**message, "unread": counts.get(user_id, 0)})
        for user_id, message in messages.items()
    ]

    async def send_all():
        for group, payload in payloads:
            await layer.group_send(group, payload)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning(
            "Live notification push failed; notifications are stored and shown on next page load.",
            exc_info=True,
        )


def push_unread_count(user) -> None:
    """After commit, tell the person's open pages their unread count changed."""
    transaction.on_commit(
        partial(push_unread, {user.pk: {"type": "notification.unread"}}), robust=True
    )


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the person's own notifications read (idempotent)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("A notification can only be marked read by its recipient")
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            push_unread_count(user)
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all of the person's unread notifications read; returns how many changed."""
    with transaction.atomic():
        changed = (
            Notification.objects.unread().filter(recipient=user).update(read_at=timezone.now())
        )
        if changed:
            push_unread_count(user)
    return changed


def preferences_update(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the person's (in_app, email) choice per kind; mandatory kinds stay in-app."""
    with transaction.atomic():
        for key, (in_app, email) in choices.items():
            kind = kind_or_error(key)
            NotificationPreference.objects.update_or_create(
                user=user,
                kind=key,
                defaults={"in_app": bool(in_app) or kind.mandatory, "email": bool(email)},
            )
        log(
            instance=user,
            action="notifications.preferences.updated",
            user=user,
            title=f"user #{user.pk}",
            data={key: {"in_app": a, "email": e} for key, (a, e) in choices.items()},
        )


def forget_person(user) -> None:
    """Delete the notifications and preferences of a person whose account is being deleted."""
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
