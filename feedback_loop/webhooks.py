"""Outbound webhooks: signed messages about cases, one delivery record per webhook and event."""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, NotAllowed

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
# How long one attempt holds its delivery: well beyond the request's timeout, so a live attempt
# is never overtaken, and short enough that one whose worker died is soon tried again.
LEASE = dt.timedelta(minutes=2)
# A delivery never tried this long after it was recorded lost its first queueing: retried.
FIRST_ATTEMPT_GRACE = dt.timedelta(minutes=2)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try: 1, 2, 4... minutes, at most six hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret, hex, prefixed "sha256="."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def payload_for(case, event: str) -> dict:
    """What a receiver learns: the case's state and public facts, no personal data."""
    answer = case.answer_or_none if event == "case.answered" else None
    return {
        "event": event,
        "case": {
            "id": case.pk,
            "state": case.state,
            "title": case.title,
            "source": case.source,
            "department": case.department.slug if case.department else None,
            "topic": case.topic.slug if case.topic else None,
            "district": case.district.slug if case.district else None,
            "process_id": case.process_id,
            "due_date": case.due_date.isoformat() if case.due_date else None,
        },
        "answer": (
            {"decision": answer.decision, "public_text": answer.public_text} if answer else None
        ),
    }


def event_key(case, event: str) -> str:
    # A case is created and answered once, but may be assigned several times.
    if event == "case.assigned":
        stamp = case.routed_at.isoformat() if case.routed_at else ""
        return f"{event}:{case.pk}:{case.department_id}:{stamp}"
    return f"{event}:{case.pk}"


def dispatch(*, case_id: int, event: str) -> int:
    """Record a delivery for every active webhook interested in the case and queue it; returns
    how many were new. Safe to call twice for the same event."""
    from .models import Case, Webhook, WebhookDelivery

    case = (
        Case.objects.select_related("department", "topic", "district", "answer")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return 0
    hooks = Webhook.objects.filter(active=True).filter(
        Q(department__isnull=True) | Q(department_id=case.department_id)
    )
    key = event_key(case, event)
    created_ids = []
    for hook in hooks:
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=hook,
            event_key=key,
            defaults={"event": event, "payload": payload_for(case, event)},
        )
        if created:
            created_ids.append(delivery.pk)
    for pk in created_ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk), robust=True)
    return len(created_ids)


def enqueue(delivery_id: int, run_after=None) -> None:
    from .tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        # Without a deferring queue, `feedback_loop_deadlines` retries due deliveries.
        return
    task.enqueue(delivery_id=delivery_id)


def deliver(delivery_id: int, now=None) -> str:
    """Make one attempt to deliver a pending message; on failure schedule the next try with
    backoff. Returns the delivery's status ("missing" when there is no such delivery).

    The attempt is claimed in a short transaction (attempts + 1 and a lease), the request is
    sent with no lock held, and the outcome is written only if no later attempt took the
    delivery over (its attempt count is the fence): one attempt at a time per delivery, and a
    worker that dies mid-attempt leaves a lease that simply runs out. Call it outside a
    transaction, or the claim's row lock is held while the receiver answers.
    """
    from .models import WebhookDelivery

    now = now or timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        status = (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        )
        return status or "missing"
    if delivery is None:  # deleted with its webhook in the meantime
        return "missing"
    if not delivery.webhook.url.startswith(("https://", "http://")):
        return record_attempt(delivery, status_code=None, error=UNSUPPORTED_URL, now=now)
    status_code, error = send(delivery)
    # The next try counts from when this attempt ended, whatever moment `now` stood for.
    return record_attempt(delivery, status_code=status_code, error=error, now=timezone.now())


UNSUPPORTED_URL = "Only http and https URLs are called."


def claim(delivery_id: int, now):
    """Take a due, pending and unclaimed delivery for one attempt; the delivery, or None when it
    is not due, not pending or another attempt holds it."""
    from .models import WebhookDelivery

    with transaction.atomic():
        # One conditional UPDATE: on PostgreSQL a concurrent claimer waits for the row and then
        # re-checks the condition against the committed lease, so only one of them gets it.
        taken = (
            WebhookDelivery.objects.filter(
                pk=delivery_id, status=WebhookDelivery.PENDING, next_attempt_at__lte=now
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .update(attempts=F("attempts") + 1, claimed_until=now + LEASE)
        )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()


def send(delivery) -> tuple[int | None, str]:
    """POST the signed message; (HTTP status code or None, error text or "")."""
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310  (the caller checked the scheme)
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Civitas-Webhook/1",
            "X-Civitas-Event": delivery.event,
            "X-Civitas-Delivery": str(delivery.pk),
            "X-Civitas-Timestamp": timestamp,
            "X-Civitas-Signature": signature(delivery.webhook.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(exc)[:300] or exc.__class__.__name__


def record_attempt(delivery, *, status_code, error: str, now) -> str:
    """Write the outcome of the attempt `delivery` was claimed for and release the lease; an
    attempt overtaken by a later one (its lease ran out) writes nothing. Returns the status."""
    from .models import WebhookDelivery

    fields = {"last_status_code": status_code, "claimed_until": None}
    retry_at = None
    if error == UNSUPPORTED_URL:
        fields.update(status=WebhookDelivery.FAILED, last_error=error)
    elif not error and 200 <= (status_code or 0) < 300:
        fields.update(status=WebhookDelivery.DELIVERED, delivered_at=now, last_error="")
    else:
        fields["last_error"] = (error or f"HTTP {status_code}")[:300]
        if delivery.attempts >= MAX_ATTEMPTS:
            fields["status"] = WebhookDelivery.FAILED
        else:
            retry_at = fields["next_attempt_at"] = now + backoff(delivery.attempts)
    with transaction.atomic():
        written = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.PENDING, attempts=delivery.attempts
        ).update(**fields)
        if written and retry_at is not None:
            transaction.on_commit(partial(enqueue, delivery.pk, run_after=retry_at), robust=True)
    if not written:
        current = WebhookDelivery.objects.filter(pk=delivery.pk).values_list("status", flat=True)
        return current.first() or "missing"
    return fields.get("status", WebhookDelivery.PENDING)


def retry_due(now=None) -> int:
    """Deliver every pending message whose next try is due (for schedulers without a queue),
    including those never tried after a grace period (their first queueing was lost); returns
    how many were tried."""
    from .models import WebhookDelivery

    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING, next_attempt_at__lte=now)
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - FIRST_ATTEMPT_GRACE))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        deliver(pk, now=now)
    return len(ids)


def can_manage_webhooks(user) -> bool:
    """Whoever may change webhooks in the admin sees their deliveries and delivers again."""
    return user is not None and user.is_active and user.has_perm("feedback_loop.change_webhook")


def redeliver(*, delivery, by):
    """Deliver a message again now: one more attempt on the same delivery record (delivered,
    failed or waiting for its next try). Refused while an attempt is under way."""
    from .models import WebhookDelivery

    if by is not None and not can_manage_webhooks(by):
        raise NotAllowed(_("Only people who manage webhooks may deliver messages again."))
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .get(pk=delivery.pk)
        )
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            raise Conflict(_("This message is being delivered right now; look again in a minute."))
        previous = delivery.status
        delivery.status = WebhookDelivery.PENDING
        delivery.next_attempt_at = now
        delivery.save(update_fields=["status", "next_attempt_at"])
        log(
            instance=delivery.webhook,
            action="feedback_loop.webhook.redelivered",
            user=by,
            title=str(delivery.webhook),
            data={"delivery": delivery.pk, "event": delivery.event, "previous_status": previous},
        )
        transaction.on_commit(partial(enqueue, delivery.pk), robust=True)
    return delivery
