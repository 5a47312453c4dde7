"""Webhook deliveries: retried when their first queueing was lost, one attempt at a time, and
their log in the admin with "deliver again" for whoever manages webhooks."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role
from feedback_loop import webhooks
from feedback_loop.models import Webhook, WebhookDelivery
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.feedback_loop.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """A transactional test flushes the database: cached content type ids may be gone."""
    ContentType.objects.clear_cache()


LIST_URL = "/admin/feedback-loop/webhook-deliveries/"


class Receiver:
    """A real HTTP server on localhost that records requests, answers with `status` after
    `delay` seconds and calls `on_request()` (in its own thread) before answering."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0
        self.on_request = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                if receiver.on_request:
                    try:
                        receiver.on_request()
                    finally:
                        connection.close()
                time.sleep(receiver.delay)
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


def make_delivery(hook, *, case_id=7, event="case.created", **fields):
    return WebhookDelivery.objects.create(
        webhook=hook,
        event_key=f"{event}:{case_id}",
        event=event,
        payload={"event": event, "case": {"id": case_id}, "answer": None},
        **fields,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(is_superuser=True, is_staff=True)


def redeliver_url(delivery) -> str:
    return f"{LIST_URL}{delivery.pk}/deliver-again/"


# --- retries ---------------------------------------------------------------------------------


def test_never_tried_delivery_is_retried_after_the_grace_period(hook, receiver):
    now = timezone.now()
    lost = make_delivery(hook, created_at=now - dt.timedelta(minutes=10), next_attempt_at=now)
    fresh = make_delivery(hook, case_id=8, created_at=now, next_attempt_at=now)
    assert webhooks.retry_due(now=now) == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, lost.attempts) == ("delivered", 1)
    assert (fresh.status, fresh.attempts) == ("pending", 0)  # its queued task is still coming
    assert len(receiver.requests) == 1


def test_a_claimed_delivery_is_not_sent_again_until_its_lease_runs_out(hook, receiver):
    now = timezone.now()
    delivery = make_delivery(
        hook, attempts=1, next_attempt_at=now, claimed_until=now + dt.timedelta(minutes=1)
    )
    assert webhooks.deliver(delivery.pk, now=now) == "pending"
    assert webhooks.retry_due(now=now) == 0
    assert receiver.requests == []
    # The worker that claimed it died: once the lease is over, it is tried again.
    later = now + webhooks.LEASE
    assert webhooks.retry_due(now=later) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("delivered", 2, None)


def test_an_overtaken_attempt_records_nothing(hook):
    now = timezone.now()
    delivery = make_delivery(hook, next_attempt_at=now)
    claimed = webhooks.claim(delivery.pk, now)
    assert claimed.attempts == 1 and claimed.claimed_until == now + webhooks.LEASE
    # The lease ran out and another attempt took the delivery over and succeeded.
    later = now + webhooks.LEASE
    second = webhooks.claim(delivery.pk, later)
    assert second.attempts == 2
    assert webhooks.record_attempt(second, status_code=200, error="", now=later) == "delivered"
    assert webhooks.record_attempt(claimed, status_code=500, error="HTTP 500", now=later) == (
        "delivered"
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error, delivery.attempts) == ("delivered", "", 2)


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_the_receiver_answers(hook, receiver):
    """While the receiver answers, another connection reads and updates the delivery: it is
    claimed, and no row lock makes the other connection wait."""
    seen = []
    delivery = make_delivery(hook)

    def look():
        row = WebhookDelivery.objects.get(pk=delivery.pk)
        seen.append((row.attempts, row.claimed_until is not None))
        # Would wait for the sender's transaction (and time out the request) if it held a lock.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(event=row.event)

    receiver.on_request = look
    assert webhooks.deliver(delivery.pk) == "delivered"
    assert seen == [(1, True)]


# --- the admin log -----------------------------------------------------------------------------


def test_delivery_log_lists_and_filters(client, admin_user, hook, django_assert_max_num_queries):
    other = Webhook.objects.create(name="Open data", url="https://example.org/h", secret="x")
    make_delivery(
        hook,
        case_id=11,
        status="failed",
        attempts=8,
        last_status_code=503,
        last_error="HTTP 503",
    )
    make_delivery(hook, case_id=12, event="case.answered", status="delivered", attempts=1)
    make_delivery(other, case_id=13)
    client.force_login(admin_user)
    response = client.get(LIST_URL, {"webhook": hook.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "HTTP 503" in html and "/feedback/cases/11/" in html and "case.answered" in html
    assert "/feedback/cases/13/" not in html
    assert html.count("Deliver again") == 2
    failed = client.get(LIST_URL, {"status": "failed"}).content.decode()
    assert "/feedback/cases/11/" in failed and "/feedback/cases/12/" not in failed
    by_case = client.get(LIST_URL, {"case": 12}).content.decode()
    assert "/feedback/cases/12/" in by_case and "/feedback/cases/11/" not in by_case
    assert client.get(LIST_URL, {"case": "abc"}).status_code == 200
    # The number of queries does not grow with the deliveries listed.
    for n in range(20):
        make_delivery(other, case_id=100 + n)
    with django_assert_max_num_queries(30) as counted:
        client.get(LIST_URL)
    few = len(counted.captured_queries)
    for n in range(20):
        make_delivery(other, case_id=200 + n)
    with django_assert_max_num_queries(few):
        client.get(LIST_URL)


def test_webhook_list_links_to_its_delivery_log(client, admin_user, hook):
    client.force_login(admin_user)
    html = client.get("/admin/snippets/feedback_loop/webhook/").content.decode()
    assert f"{LIST_URL}?webhook={hook.pk}" in html


@pytest.mark.django_db(transaction=True)
def test_deliver_again_is_a_new_attempt_on_the_same_record(client, admin_user, hook, receiver):
    delivery = make_delivery(
        hook, status="failed", attempts=webhooks.MAX_ATTEMPTS, last_error="HTTP 500"
    )
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(admin_user)
    assert csrf_client.post(redeliver_url(delivery)).status_code == 403  # no CSRF token
    client.force_login(admin_user)
    back = f"{LIST_URL}?webhook={hook.pk}"
    response = client.post(redeliver_url(delivery), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "delivered again" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == webhooks.MAX_ATTEMPTS + 1
    assert len(receiver.requests) == 1
    entry = ModelLogEntry.objects.get(action="feedback_loop.webhook.redelivered")
    assert entry.user_id == admin_user.pk and entry.data["delivery"] == delivery.pk


@pytest.mark.django_db(transaction=True)
def test_deliver_again_failing_says_why(client, admin_user, hook, receiver):
    receiver.status = 502
    delivery = make_delivery(hook, status="delivered", attempts=1)
    client.force_login(admin_user)
    response = client.post(redeliver_url(delivery), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == LIST_URL
    assert "HTTP 502" in client.get(LIST_URL).content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 2, "HTTP 502")


def test_deliver_again_is_refused_while_an_attempt_is_under_way(client, admin_user, hook):
    delivery = make_delivery(
        hook, attempts=1, claimed_until=timezone.now() + dt.timedelta(minutes=1)
    )
    client.force_login(admin_user)
    response = client.post(redeliver_url(delivery), follow=True)
    assert "being delivered right now" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_deliver_again_needs_a_post(client, admin_user, hook):
    client.force_login(admin_user)
    assert client.get(redeliver_url(make_delivery(hook))).status_code == 405


def test_others_are_refused(client, hook, receiver):
    delivery = make_delivery(hook, status="failed", attempts=8)
    taskforce = person(Role.TASKFORCE, name="Tess")
    client.force_login(taskforce)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(redeliver_url(delivery)).status_code == 403
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 8)
    assert receiver.requests == []
    html = client.get("/admin/").content.decode()
    assert "Webhook deliveries" not in html


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_delivery_twice(hook, receiver):
    receiver.delay = 0.3
    delivery = make_delivery(hook)
    deliveries = [
        make_delivery(hook, case_id=50 + n, created_at=timezone.now() - dt.timedelta(hours=1))
        for n in range(3)
    ]

    def worker(call):
        return lambda: call

    calls = [worker(lambda: webhooks.deliver(delivery.pk)) for _ in range(4)]
    calls += [worker(webhooks.retry_due) for _ in range(3)]
    _results, errors = run_together(calls)
    assert errors == []
    sent = [headers["X-Civitas-Delivery"] for headers, _body in receiver.requests]
    assert sorted(sent) == sorted(str(d.pk) for d in [delivery, *deliveries])
    for row in WebhookDelivery.objects.all():
        assert (row.status, row.attempts, row.claimed_until) == ("delivered", 1, None)
