"""Outbound webhooks: signed, one delivery record per event, retried with backoff."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from feedback_loop import webhooks
from feedback_loop.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on localhost that records requests and answers with `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def hook(receiver):
    return Webhook.objects.create(name="City CRM", url=receiver.url, secret="s3cret")


def test_case_created_and_assigned_are_delivered_signed(hook, receiver, submit, rules, topic):
    submit(topic=topic)
    events = sorted(WebhookDelivery.objects.values_list("event", "status"))
    assert events == [("case.assigned", "delivered"), ("case.created", "delivered")]
    headers, body = receiver.requests[0]
    expected = hmac.new(
        b"s3cret", headers["X-Civitas-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Civitas-Signature"] == "sha256=" + expected
    payload = json.loads(body)
    assert payload["case"]["title"] == "Zebra crossing at the school"
    assert "author" not in json.dumps(payload)


def test_dispatch_twice_makes_one_delivery(
    hook, receiver, submit, case_of, django_capture_on_commit_callbacks
):
    case = case_of(submit())
    before = WebhookDelivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.dispatch(case_id=case.pk, event="case.created") == 0
    assert WebhookDelivery.objects.count() == before
    assert len(receiver.requests) == before


def test_failure_is_retried_with_backoff(
    hook, receiver, submit, django_capture_on_commit_callbacks
):
    receiver.status = 503
    submit()
    delivery = WebhookDelivery.objects.get(event="case.created")
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error == "HTTP 503"
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert webhooks.retry_due() == 0  # not due yet
    receiver.status = 200
    assert webhooks.retry_due(now=timezone.now() + dt.timedelta(hours=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_gives_up_after_max_attempts(hook, receiver, submit):
    receiver.status = 500
    submit()
    delivery = WebhookDelivery.objects.get(event="case.created")
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.retry_due(now=timezone.now() + dt.timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS


def test_unreachable_receiver_is_logged(submit, db):
    Webhook.objects.create(name="Down", url="http://127.0.0.1:9/none", secret="x")
    submit()
    delivery = WebhookDelivery.objects.get(event="case.created")
    assert delivery.status == "pending" and delivery.last_error


def test_department_webhook_hears_only_its_cases(
    receiver, submit, rules, topic, other_topic, parks
):
    Webhook.objects.create(name="Parks", url=receiver.url, secret="p", department=parks)
    submit(topic=topic)
    submit(topic=other_topic)
    payloads = [json.loads(body) for _headers, body in receiver.requests]
    assert {p["case"]["department"] for p in payloads} == {"parks"}
