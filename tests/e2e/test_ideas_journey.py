"""Ideas in a real browser: a resident finds a challenge, marks the place on the map and is shown
a similar idea before posting theirs, another resident supports and comments, the author reports
the comment and a moderator hides it with a reason from the reports queue, staff set the status
with an answer, and the author reads the notification. Every page on the way passes axe-core's
WCAG 2.2 AA rules; in Arabic (RTL) too, with a withdrawn idea and the edit form."""

import pytest
from django.conf import settings

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.interactions import services as interactions
from civitas.interactions.models import Comment
from ideas import services
from ideas.models import Idea, IdeasIndexPage
from tests.factories import UserFactory
from tests.ideas.conftest import make_challenge

from .helpers import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def signed_in(browser, live_server, user, language="en"):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("main input[name='login']", user.email)
    page.fill("main input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")
    return context, page


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_idea_journey(browser, live_server, home_page):
    challenge = make_challenge(home_page, title="Greener streets", phases=(("submit", -1, 5),))
    earlier = UserFactory(display_name="Lina")
    Idea.objects.create(
        process=challenge, author=earlier, title="Benches by the river", body="Shade and rest."
    )
    author = UserFactory(display_name="Noor")
    neighbour = UserFactory(display_name="Ravi")
    moderator = UserFactory(display_name="Mo")
    role_assign(user=moderator, role=Role.MODERATOR, scope=None, by=None)
    staff = UserFactory(display_name="Tess")
    role_assign(user=staff, role=Role.TASKFORCE, scope=None, by=None)

    # The author finds the challenge from the home page and proposes an idea.
    authors, page = signed_in(browser, live_server, author)
    page.goto("/")
    click_and_wait(page, f"main a[href='{challenge.url}']")
    assert_accessible(page, "challenge page")
    click_and_wait(page, f"main a[href='{challenge.url}new/']")
    assert_accessible(page, "idea form")
    page.fill("main input[name='title']", "More benches along the river")
    page.fill("main textarea[name='body']", "Older people need somewhere to <rest>.")
    page.fill("main input[name='location_text']", "River path, between the bridges")
    # With JavaScript the place can also be marked on the map; tiles are not needed for that.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    assert page.input_value("main input[name='latitude']") == ""
    page.locator("main .map-picker .civitas-map").click()
    assert page.input_value("main input[name='latitude']") != ""
    assert page.input_value("main input[name='longitude']") != ""
    assert "Point set at" in page.locator("main .map-picker [role='status']").inner_text()
    assert_accessible(page, "idea form with a point on the map")
    click_and_wait(page, "main form button[type='submit']")
    # The check step suggests the similar idea already proposed.
    similar = page.locator("section.similar a")
    assert similar.count() == 1 and similar.inner_text() == "Benches by the river"
    assert_accessible(page, "check step with a similar idea")
    click_and_wait(page, "main form:has(input[name='confirmed']) button[type='submit']")
    idea = Idea.objects.get(title="More benches along the river")
    assert page.url.endswith(f"{challenge.url}{idea.pk}/")
    assert "somewhere to &lt;rest&gt;." in page.content()
    south, west, north, east = settings.CIVITAS_MAP_BOUNDS
    assert south <= float(idea.latitude) <= north and west <= float(idea.longitude) <= east
    assert page.locator("main .idea-place .leaflet-marker-icon").count() == 1
    assert_accessible(page, "the new idea")
    page.goto(f"{challenge.url}?view=map")
    assert page.locator("main .map-view .leaflet-marker-icon").count() == 1
    assert_accessible(page, "map of the challenge's ideas")

    # Another resident supports it and comments.
    neighbours, page = signed_in(browser, live_server, neighbour)
    page.goto(f"{challenge.url}{idea.pk}/")
    click_and_wait(page, "form[action$='/support/'] button:has-text('Support')")
    assert "including yours" in page.content()
    page.fill("textarea[name='body']", "Yes, and some shade too.")
    click_and_wait(page, "form.comment-form button[type='submit']")
    assert "Yes, and some shade too." in page.content()
    assert_accessible(page, "idea with a support and a comment")
    neighbours.close()

    # The author reports the comment; a moderator finds it in the queue and hides it with a
    # reason.
    comment = Comment.objects.get()
    page = authors.new_page()
    page.goto(f"{challenge.url}{idea.pk}/")
    click_and_wait(page, f"a[href^='/i/interactions.comment/{comment.pk}/flag/']")
    assert_accessible(page, "report form")
    page.check("main input[name='reason'][value='off_topic']")
    click_and_wait(page, "main form button[type='submit']")
    assert "Moderators will look at your report." in page.content()
    page.close()
    moderators, page = signed_in(browser, live_server, moderator)
    page.goto("/admin/moderation/")
    row = page.locator("tr", has_text="Yes, and some shade too.")
    assert row.count() == 1 and "1 report" in row.inner_text()
    row.locator("input[name='reason']").fill("Off topic")
    with page.expect_navigation():
        row.locator("button", has_text="Hide").click()
    comment.refresh_from_db()
    assert comment.hidden_reason == "Off topic"
    assert "Yes, and some shade too." not in page.locator("main").inner_text()
    page.goto(f"{challenge.url}{idea.pk}/")
    assert "Yes, and some shade too." not in page.content()
    assert "This comment was hidden by a moderator." in page.content()
    moderators.close()

    # Staff set the status with an official answer.
    staffs, page = signed_in(browser, live_server, staff)
    page.goto(f"{challenge.url}{idea.pk}/")
    click_and_wait(page, f"main a[href='{challenge.url}{idea.pk}/status/']")
    assert_accessible(page, "status form")
    page.select_option("main select[name='status']", "accepted")
    page.fill("main textarea[name='answer']", "We will place four benches this spring.")
    click_and_wait(page, "main form button[type='submit']")
    assert "We will place four benches this spring." in page.content()
    staffs.close()

    # The author reads the notification and the answer, with the history on the idea's page.
    page = authors.new_page()
    page.goto("/notifications/")
    assert "More benches along the river" in page.content()
    assert "Accepted" in page.content()
    assert_accessible(page, "notifications")
    page.goto(f"{challenge.url}{idea.pk}/")
    assert "We will place four benches this spring." in page.content()
    assert page.locator(".idea-history li").count() == 3  # proposed, status, answer
    authors.close()


def test_idea_pages_in_arabic(browser, live_server, home_page, translations):
    """Every page of the journey, in Arabic (RTL), for the person who sees it."""
    challenge = make_challenge(home_page, title="Greener streets", phases=(("submit", -1, 5),))
    home_page.add_child(instance=IdeasIndexPage(title="All ideas", slug="all-ideas"))
    author = UserFactory(display_name="Noor")
    idea = Idea.objects.create(
        process=challenge,
        author=author,
        title="Benches by the river",
        body="Shade and rest.",
        latitude="50.8467",
        longitude="4.3525",
    )
    withdrawn = Idea.objects.create(
        process=challenge, author=author, title="A fountain", body="Water in summer."
    )
    neighbour = UserFactory(display_name="Ravi")
    comment = interactions.comment_post(target=idea, author=neighbour, body="Not here, please.")
    interactions.flag_create(target=comment, reporter=author, reason="off_topic")
    moderator = UserFactory(display_name="Mo")
    role_assign(user=moderator, role=Role.MODERATOR, scope=challenge, by=None)
    staff = UserFactory(display_name="Tess")
    role_assign(user=staff, role=Role.TASKFORCE, scope=None, by=None)
    # An answer written only in English, read through the fallback: it must say it is English.
    services.idea_status_set(
        idea=withdrawn, status="accepted", answer="We will look at it.", by=staff
    )
    services.idea_withdraw(idea=Idea.objects.get(pk=withdrawn.pk), by=author)

    context, page = signed_in(browser, live_server, author, language="ar")
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    def check(path, label):
        if path:
            page.goto(path)
        assert page.locator("html").get_attribute("lang") == "ar", label
        assert page.locator("html").get_attribute("dir") == "rtl", label
        assert_accessible(page, f"Arabic {label}")

    check(challenge.url, "challenge page")
    check("/all-ideas/", "list of all ideas")
    check(f"{challenge.url}?view=map", "map")
    check(f"{challenge.url}new/", "idea form")
    page.fill("main input[name='title']", "More benches along the river")
    page.fill("main textarea[name='body']", "Older people need somewhere to rest.")
    click_and_wait(page, "main form button[type='submit']")
    assert page.locator("section.similar a").count() == 1
    check("", "check step with a similar idea")
    check(f"{challenge.url}{idea.pk}/", "idea")
    check("/notifications/", "notifications")
    check(f"{challenge.url}{withdrawn.pk}/", "withdrawn idea")
    answer = page.locator("main .answer")
    assert answer.get_attribute("lang") == "en" and answer.get_attribute("dir") == "ltr"
    check(f"{challenge.url}{idea.pk}/edit/", "edit form")
    assert page.locator("main input[name='point_remove'][type='checkbox']").count() == 1
    context.close()

    for person, path, label in (
        (moderator, "/admin/moderation/", "moderation queue"),
        (staff, f"{challenge.url}{idea.pk}/status/", "status form"),
    ):
        context, page = signed_in(browser, live_server, person, language="ar")
        check(path, label)
        if person is moderator:
            assert page.locator("tr", has_text="Not here, please.").count() == 1
        context.close()
