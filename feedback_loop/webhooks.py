"""Outbound webhooks: signed messages about cases, one delivery record per webhook and event."""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


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


def deliver(delivery_id: int) -> str:
    """Try to deliver one message; on failure schedule the next try with backoff. Returns the
    delivery's status."""
    from .models import WebhookDelivery

    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.PENDING:
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        body = json.dumps(delivery.payload, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        if not delivery.webhook.url.startswith(("https://", "http://")):
            delivery.status = WebhookDelivery.FAILED
            delivery.last_error = "Only http and https URLs are called."
            delivery.save()
            return delivery.status
        request = urllib.request.Request(  # noqa: S310  (scheme checked above)
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
        error = ""
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                delivery.last_status_code = response.status
        except urllib.error.HTTPError as exc:
            delivery.last_status_code = exc.code
            error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            delivery.last_status_code = None
            error = str(exc)[:300] or exc.__class__.__name__
        now = timezone.now()
        if not error and 200 <= (delivery.last_status_code or 0) < 300:
            delivery.status = WebhookDelivery.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
        else:
            delivery.last_error = error or f"HTTP {delivery.last_status_code}"
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.FAILED
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                next_at = delivery.next_attempt_at
                transaction.on_commit(lambda: enqueue(delivery.pk, run_after=next_at), robust=True)
        delivery.save()
    return delivery.status


def retry_due(now=None) -> int:
    """Deliver every pending message whose next try is due (for schedulers without a queue)."""
    from .models import WebhookDelivery

    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.PENDING, next_attempt_at__lte=now, attempts__gt=0
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        deliver(pk)
    return len(ids)
