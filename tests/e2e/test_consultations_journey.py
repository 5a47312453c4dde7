"""Consultations in a real browser: a resident fills a conditional survey with the keyboard only,
leaves and resumes the draft, submits; a facilitator types in a paper response; the resident
comments on a paragraph and adds a debate argument; the results show both channels. Every page
on the way passes axe-core's WCAG 2.2 AA rules, in English and in Arabic (RTL)."""

import pytest

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from consultations.models import Argument, ParagraphComment, Response
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

from .helpers import assert_accessible, tab_to

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


def press(page, selector, key="Enter"):
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_consultation_journey(browser, live_server, home_page):
    from consultations.models import Debate, DraftDocument, Poll
    from consultations.services import document_version_publish

    consultation = make_consultation(home_page, "open", results_while_open=True)
    survey = consultation.surveys.get()
    document = DraftDocument.objects.create(consultation=consultation, title="Strategy draft")
    document.body = [("section", {"heading": "Vision", "paragraphs": ["A connected city."]})]
    document.save()
    document_version_publish(document=document, by=None)
    debate = Debate.objects.create(consultation=consultation, question="Cameras in parks?")
    poll = Poll.objects.create(
        consultation=consultation, question="Free buses at night?", choices="yes | Yes\nno | No"
    )
    host = make_consultation(home_page, "open", title="Mobility plan")
    host.body = [("text", "<p>Tell us quickly:</p>"), ("poll", {"poll": poll})]
    host.save_revision().publish()
    resident = UserFactory(display_name="Amina")
    facilitator = UserFactory(display_name="Fay")
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=consultation, by=None)

    # Page 1 with the keyboard only: the conditional question appears as she answers.
    residents, page = signed_in(browser, live_server, resident)
    page.goto(consultation.url)
    assert_accessible(page, "consultation page")
    press(page, f"main a[href='{consultation.url}surveys/{survey.pk}/']")
    assert_accessible(page, "survey page 1")
    safety = page.locator("#question-bike-safety")
    assert safety.is_hidden()  # nothing chosen yet: the scale does not apply
    tab_to(page, "input[name='q-transport']")
    page.keyboard.press("ArrowDown")  # bus -> bike, radios select as focus moves
    assert page.locator("input[name='q-transport'][value='bike']").is_checked()
    assert safety.is_visible()
    tab_to(page, "input[name='q-bike-safety']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    tab_to(page, "input[name='q-priorities'][value='air']")
    page.keyboard.press("Space")
    press(page, "button[value='next']")
    assert page.url.endswith("?page=2")
    assert page.locator("input[name='q-bike-detail']").count() == 1
    tab_to(page, "textarea[name='q-idea']")
    page.keyboard.type("Trees along every bike lane")
    press(page, "button[value='save']")  # leaves with a draft
    draft = Response.objects.get(author=resident)
    assert draft.status == "draft" and draft.draft_answers["transport"] == "bike"
    assert draft.draft_answers["bike-safety"] == 3

    # She comes back: the survey opens where she left, then she submits.
    page.goto(consultation.url)
    assert page.locator("main").get_by_text("Continue your draft").count() == 1
    press(page, f"main a[href='{consultation.url}surveys/{survey.pk}/']")
    tab_to(page, "input[name='q-trips']")
    page.keyboard.type("500")
    press(page, "button[value='submit']")
    assert page.locator("[data-error-summary]").count() == 1  # out of range: the draft stays
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(page, "survey with an error")
    page.fill("input[name='q-trips']", "")
    tab_to(page, "input[name='q-trips']")
    page.keyboard.type("5")
    press(page, "button[value='submit']")
    assert page.url.endswith("/done/")
    assert_accessible(page, "thank-you page")
    assert Response.objects.get(author=resident).status == "submitted"

    # A facilitator types in a paper response.
    facilitators, staff_page = signed_in(browser, live_server, facilitator)
    staff_page.goto(f"{consultation.url}surveys/{survey.pk}/paper/")
    assert_accessible(staff_page, "paper entry")
    staff_page.check("input[name='q-transport'][value='bus']")
    assert staff_page.locator("#question-bike-safety").is_hidden()
    staff_page.fill("input[name='source_detail']", "Library box")
    with staff_page.expect_navigation():
        staff_page.click("main form button[type='submit']")
    assert Response.objects.filter(channel="paper", entered_by=facilitator).count() == 1
    facilitators.close()

    # The resident comments on a paragraph and argues in the debate.
    page.goto(f"{consultation.url}documents/{document.pk}/")
    assert_accessible(page, "draft document")
    press(page, "a[href*='/paragraphs/']")
    tab_to(page, "textarea[name='body']")
    page.keyboard.type("Who owns the data?")
    press(page, "main form button[type='submit']")
    assert ParagraphComment.objects.get().body == "Who owns the data?"
    assert_accessible(page, "paragraph comments")
    page.goto(f"{consultation.url}debates/{debate.pk}/")
    tab_to(page, "input[name='side'][value='for']")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name='body']")
    page.keyboard.type("Parks feel safer at night.")
    press(page, "main form button[type='submit']")
    assert Argument.objects.get().side == "for"
    assert_accessible(page, "debate")

    # A quick poll placed as a block on another page: she votes and comes back to it.
    page.goto(host.url)
    assert_accessible(page, "page with a poll block")
    tab_to(page, f"#poll-{poll.pk} input[name='choice']")
    page.keyboard.press("Space")
    press(page, f"#poll-{poll.pk} button[type='submit']")
    assert page.url.split("#")[0].endswith(host.url)
    assert page.locator(f"#poll-{poll.pk}").get_by_text("You have voted.").count() == 1
    assert_accessible(page, "poll block after voting")

    # The results count both channels, as charts and tables; numbers show how they spread.
    page.goto(f"{consultation.url}surveys/{survey.pk}/results/")
    channels = page.locator("table.channels").inner_text()
    assert "Online" in channels and "On paper" in channels
    assert page.locator("svg[role='img']").count() >= 3
    trips = survey.questions.get(key="trips")
    assert page.locator(f"#chart-h{trips.pk}-title").count() == 1
    assert "Median" in page.locator("table.stats").first.inner_text()
    assert_accessible(page, "results")
    residents.close()

    # The same pages in Arabic, right to left.
    arabic, page = signed_in(browser, live_server, UserFactory(), language="ar")
    for path in (
        consultation.url,
        f"{consultation.url}surveys/{survey.pk}/",
        f"{consultation.url}surveys/{survey.pk}/results/",
        f"{consultation.url}debates/{debate.pk}/",
        f"{consultation.url}documents/{document.pk}/",
    ):
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_accessible(page, f"Arabic {path}")
    arabic.close()
