"""The live inbox in a real browser: a case that arrives is fetched as a row and put at the top
of the list with a polite announcement; a case the person may not see is never shown. The
websocket is stood in for by the page (the test server speaks HTTP only), so the messages are
the consumer's own format."""

import json
import time

import pytest

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from feedback_loop.models import Case, CaseState, Department, RoutingRule
from ideas.services import idea_submit
from tests.factories import TopicFactory, UserFactory
from tests.ideas.conftest import make_challenge

from .helpers import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"

# A stand-in for the browser's WebSocket that the test drives through window.liveSockets.
FAKE_SOCKET = """
window.liveSockets = [];
window.WebSocket = function (url) {
  var socket = this;
  socket.url = url;
  window.liveSockets.push(socket);
  window.setTimeout(function () { if (socket.onopen) { socket.onopen(); } }, 0);
};
window.WebSocket.prototype.close = function () {};
"""


def message(added):
    counts = {"triage": 1, "open": 1, "overdue": 0, "drafted": 0, "total": 2}
    return json.dumps({"type": "counts", "counts": counts, "changed": True, "added": added})


def wait_until(page, predicate: str, timeout: float = 15.0) -> None:
    """Poll `predicate` (a function's source) from here: the page's policy forbids the
    string evaluation that the browser-side polling would use."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        page.wait_for_timeout(100)


def push(page, added):
    page.evaluate(
        "data => window.liveSockets.filter(s => s.url.endsWith('/ws/feedback/inbox/'))"
        ".forEach(s => s.onmessage({data: data}))",
        message(added),
    )


def test_an_arriving_case_appears_at_the_top_and_is_announced(
    page, context, live_server, home_page
):
    mobility, parks_topic = TopicFactory(name="Mobility"), TopicFactory(name="Parks")
    challenge = make_challenge(home_page, title="Safer streets")
    streets = Department.objects.create(name="Streets", slug="streets")
    parks = Department.objects.create(name="Parks", slug="parks")
    RoutingRule.objects.create(department=streets, topic=mobility, priority=1)
    RoutingRule.objects.create(department=parks, topic=parks_topic, priority=2)
    member = UserFactory(display_name="Sam")
    role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=streets, by=None)
    resident = UserFactory(display_name="Ravi")

    def new_case(title, topic):
        idea_submit(
            challenge=challenge,
            author=resident,
            data={"title": title, "body": "Children cross here.", "topic": topic},
        )
        return Case.objects.get(title=title)

    context.add_init_script(FAKE_SOCKET)
    page.goto("/accounts/login/")
    page.fill("main input[name='login']", member.email)
    page.fill("main input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")
    page.goto("/feedback/inbox/")
    assert "No cases here." in page.content()
    wait_until(page, "() => window.liveSockets.some(s => s.url.endsWith('/ws/feedback/inbox/'))")

    first = new_case("Zebra crossing at the school", mobility)
    assert first.state == CaseState.ROUTED
    push(page, [first.pk])
    page.wait_for_selector(f"tbody tr[data-case-id='{first.pk}']")
    assert page.locator("[data-live-empty]").is_hidden()
    wait_until(
        page,
        "() => document.querySelector('[data-live-announce]').textContent.includes('Zebra')",
    )
    announced = page.locator("[data-live-announce]").text_content()
    assert announced == f"New case in this list: #{first.pk} Zebra crossing at the school"

    second = new_case("Lights on the bridge", mobility)
    push(page, [second.pk])
    page.wait_for_selector(f"tbody tr[data-case-id='{second.pk}']")
    ids = page.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.dataset.caseId)")
    assert ids == [str(second.pk), str(first.pk)]
    # The same case told twice is shown once.
    push(page, [second.pk])
    page.wait_for_timeout(500)
    assert page.locator(f"tbody tr[data-case-id='{second.pk}']").count() == 1

    # A case of another department (a tampered or stale message) is refused by the server:
    # no row, only the offer to reload.
    hidden = new_case("Benches in the park", parks_topic)
    push(page, [hidden.pk])
    wait_until(page, "() => !document.querySelector('[data-live-status]').hidden")
    assert page.locator(f"tr[data-case-id='{hidden.pk}']").count() == 0
    assert "Benches in the park" not in page.content()
    assert_accessible(page, "live inbox with arrived rows")
