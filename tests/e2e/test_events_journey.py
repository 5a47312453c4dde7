"""Events in a real browser: a resident registers with an interpretation request, waits and is
promoted; a facilitator logs an idea with the network off and sees it synced once when it
returns; the idea is in ideas with its provenance; the live board shows input arriving. Every
page passes axe-core's WCAG 2.2 AA rules."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.notifications.models import Notification
from civitas.participation.models import Channel
from events import board, services
from events.models import EventIndexPage, EventInput, EventPage, EventSession, Registration, Venue
from ideas.models import Idea
from tests.factories import UserFactory
from tests.ideas.conftest import make_challenge

from .helpers import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


QUEUED_IN_INDEXEDDB = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("civitas-console", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve({
      labels: all.result.map((e) => e.label),
      blobs: all.result.flatMap((e) => e.files).filter((f) => f[2] instanceof Blob).length,
      local: Object.keys(localStorage).filter((k) => k.startsWith("civitas-console")).length,
    });
  };
})"""


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def sign_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def add_event(index, title, *, starts_in_hours, capacity, **fields):
    venue = Venue.objects.get_or_create(
        name="Riverside Library",
        defaults={"kind": "library", "address": "12 Quay Street", "step_free_access": True},
    )[0]
    event = EventPage(title=title, kind="workshop", mode="in_person", venue=venue, **fields)
    index.add_child(instance=event)
    starts = timezone.now() + dt.timedelta(hours=starts_in_hours)
    EventSession.objects.create(
        page=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=3), capacity=capacity
    )
    return event


@pytest.fixture
def events_site(home_page):
    index = EventIndexPage(title="Events", slug="events")
    home_page.add_child(instance=index)
    challenge = make_challenge(home_page, title="Green squares")
    return {
        "index": index,
        "challenge": challenge,
        "full": add_event(index, "Small workshop", starts_in_hours=48, capacity=1),
        "today": add_event(index, "Workshop today", starts_in_hours=-0.5, capacity=40),
    }


def test_resident_waits_for_a_place_and_is_promoted(browser, live_server, events_site):
    event = events_site["full"]
    session = event.sessions.get()
    holder = UserFactory(display_name="Holder")
    services.registration_create(session=session, user=holder)
    resident = UserFactory(display_name="Amina")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    sign_in(context, live_server, resident)
    page = context.new_page()
    page.goto(events_site["index"].url)
    assert_accessible(page, "events listing")
    page.get_by_role("link", name="Small workshop").first.click()
    assert_accessible(page, "event page")
    page.get_by_role("link", name="Join the waiting list").click()
    assert_accessible(page, "registration form")
    page.get_by_label("Interpretation into").select_option("ar")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**{event.url}")
    assert "waiting list" in page.locator(".messages").inner_text()
    assert page.locator(".sessions-table").get_by_text("On the waiting list").count() == 1
    assert_accessible(page, "event page, waiting")
    registration = Registration.objects.get(user=resident)
    assert (registration.status, registration.interpretation_language) == ("waitlisted", "ar")

    # The holder cancels in their own browser; the resident is promoted and told.
    other = browser.new_context(base_url=live_server.url)
    sign_in(other, live_server, holder)
    holder_page = other.new_page()
    holder_page.goto(event.url)
    holder_page.get_by_role("link", name="Cancel").click()
    assert_accessible(holder_page, "cancel registration")
    holder_page.get_by_role("button", name="Yes, cancel it").click()
    holder_page.wait_for_url(f"**{event.url}")
    other.close()

    page.reload()
    assert page.locator(".sessions-table").get_by_text("Confirmed").count() == 1
    assert Notification.objects.filter(recipient=resident, kind="events.place_confirmed").exists()
    page.goto("/notifications/")
    assert "A place came free" in page.locator("main").inner_text()
    context.close()


def test_facilitator_logs_offline_and_the_board_shows_input(
    browser, live_server, events_site, monkeypatch
):
    monkeypatch.setattr(board, "REFRESH_SECONDS", 1)
    event = events_site["today"]
    challenge = events_site["challenge"]
    facilitator = UserFactory(display_name="Fay")
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=event, by=None)
    # Organisers see the adjustments asked for.
    services.registration_create(
        session=event.sessions.get(),
        user=UserFactory(),
        data={"interpretation_language": "fr", "childcare_children": 1},
    )

    # The room's screen, without signing in. This test server has no websockets, so the board
    # falls back to polling, which is what it does when the channel layer is unavailable.
    screen_context = browser.new_context(base_url=live_server.url)
    screen = screen_context.new_page()
    screen.goto(f"{event.url}board/")
    assert_accessible(screen, "live board")
    screen.wait_for_selector("[data-board-status]:has-text('paused')")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    sign_in(context, live_server, facilitator)
    page = context.new_page()
    page.goto(f"{event.url}registrations/")
    assert "Interpretation into French: 1" in page.locator("main").inner_text()
    assert_accessible(page, "registrations")
    page.goto(f"{event.url}console/?kind=idea")
    assert_accessible(page, "console")

    # The venue's connection drops.
    context.set_offline(True)
    page.get_by_label("Idea challenge").select_option(str(challenge.pk))
    page.get_by_label("Title").fill("Shade trees on Mill Square")
    page.get_by_label("What was said").fill("Plant trees on the south side for summer shade.")
    page.get_by_label("Table or group").fill("Table 3")
    page.get_by_label("People behind it").fill("6")
    page.get_by_label("Language it was said in").select_option("en")
    page.get_by_label("Photos of the flip chart").set_input_files(
        files=[{"name": "chart.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Log it").click()
    queue = page.locator("[data-console-queue]")
    queue.get_by_text("Waiting to be sent: Shade trees on Mill Square (photos: 1)").wait_for()
    assert "No connection" in page.locator("[data-console-status]").inner_text()
    # A second item while still offline: the form is ready again, table and language kept.
    assert page.get_by_label("Table or group").input_value() == "Table 3"
    assert page.get_by_label("Title").input_value() == ""
    page.get_by_label("Title").fill("A fountain by the benches")
    page.get_by_label("What was said").fill("Drinking water for hot days.")
    page.get_by_role("button", name="Log it").click()
    queue.get_by_text("Waiting to be sent: A fountain by the benches").wait_for()
    assert_accessible(page, "console with input waiting")
    # Queued in IndexedDB, the photo as a blob; nothing in localStorage.
    stored = page.evaluate(QUEUED_IN_INDEXEDDB)
    assert sorted(stored["labels"]) == ["A fountain by the benches", "Shade trees on Mill Square"]
    assert stored["blobs"] == 1 and stored["local"] == 0
    assert not EventInput.objects.exists()

    # The connection returns: each queued item is sent, once.
    context.set_offline(False)
    page.locator("[data-console-status]:has-text('Everything was sent.')").wait_for()
    assert queue.get_by_text("Sent: Shade trees on Mill Square").count() == 1
    assert queue.get_by_text("Sent: A fountain by the benches").count() == 1
    assert page.evaluate(QUEUED_IN_INDEXEDDB)["labels"] == []
    assert EventInput.objects.count() == 2
    assert Idea.objects.count() == 2
    assert EventInput.objects.get(title="Shade trees on Mill Square").photos.count() == 1
    idea = Idea.objects.get(title="Shade trees on Mill Square")
    assert (idea.channel, idea.entered_by_id, idea.source_id) == (
        Channel.OFFLINE_EVENT,
        facilitator.pk,
        event.pk,
    )
    assert (idea.source_detail, idea.people_count) == ("Table 3", 6)
    page.reload()
    assert page.locator(".console-items li").count() == 2

    # The idea is in its challenge, and the board shows it.
    page.goto(f"{challenge.url}{idea.pk}/")
    assert "Shade trees on Mill Square" in page.locator("h1").inner_text()
    assert_accessible(page, "idea from the event")
    screen.locator(".board-item:has-text('Shade trees on Mill Square')").wait_for()

    # A participant joins on their phone and adds input; it arrives on the board.
    phone_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    phone = phone_context.new_page()
    phone.goto(f"{event.url}join/?code={event.join_code}")
    assert_accessible(phone, "join on a phone")
    phone.get_by_label("Your input").fill("A water fountain near the playground")
    phone.get_by_role("button", name="Send").click()
    assert "on the board" in phone.locator(".messages").inner_text()
    assert_accessible(phone, "after posting")
    screen.locator(".board-item:has-text('A water fountain near the playground')").wait_for()
    assert_accessible(screen, "live board with input")
    phone_context.close()
    screen_context.close()
    context.close()


def test_facilitator_types_in_a_paper_survey_and_a_paper_ballot(
    browser, live_server, events_site, home_page
):
    from budgeting.models import Ballot, Proposal, ProposalStatus
    from consultations.models import Response
    from tests.budgeting.conftest import make_round
    from tests.consultations.conftest import make_consultation

    consultation = make_consultation(home_page)
    round_page = make_round(home_page, state="vote")
    bench = Proposal.objects.create(
        process=round_page,
        author=UserFactory(),
        title="Benches by the river",
        description="Somewhere to sit.",
        estimated_cost=20_000,
        status=ProposalStatus.FEASIBLE,
    )
    event = add_event(
        events_site["index"],
        "Survey evening",
        starts_in_hours=-1,
        capacity=40,
        process=consultation,
    )
    facilitator = UserFactory(display_name="Fay")
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=event, by=None)
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=round_page, by=None)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    sign_in(context, live_server, facilitator)
    page = context.new_page()

    page.goto(f"{event.url}console/?kind=paper_survey")
    assert_accessible(page, "console: whole paper survey")
    page.get_by_role("radio", name="Bus").check()
    page.get_by_role("checkbox", name="Clean air").check()
    page.get_by_label("Your idea").fill("More night buses")
    with page.expect_response(lambda r: "console/sync/" in r.url) as answer:
        page.get_by_role("button", name="Log it").click()
    assert answer.value.status == 200
    queue = page.locator("[data-console-queue]")
    queue.get_by_text("Sent: Whole paper survey").wait_for()
    assert page.get_by_role("radio", name="Bus").is_checked() is False  # ready for the next

    page.goto(f"{event.url}console/?kind=paper_ballot&round={round_page.pk}")
    assert_accessible(page, "console: paper ballot")
    page.get_by_label("Sheet number").fill("B-12")
    page.get_by_role("checkbox", name="Benches by the river").check()
    with page.expect_response(lambda r: "console/sync/" in r.url) as answer:
        page.get_by_role("button", name="Log it").click()
    assert answer.value.status == 200
    queue.get_by_text("Sent: Paper ballot B-12").wait_for()
    page.reload()
    logged = page.locator(".console-items").inner_text()
    assert "Paper survey: Mobility survey" in logged
    assert f"Paper ballot for {round_page.title}: Counted" in logged
    assert "B-12" not in logged  # the event keeps no sheet number
    # What the service stored (read in a fresh connection: the server's commits are visible).
    connection.close()
    assert Ballot.objects.get().choices == [bench.pk]
    response = Response.objects.get()
    assert response.answers["transport"] == "bus" and response.channel == Channel.OFFLINE_EVENT
    context.close()
