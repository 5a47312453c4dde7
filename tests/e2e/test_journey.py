"""A resident's first visit, by keyboard only: sign up, confirm the e-mail, sign in, switch to
Arabic; every page on the way passes axe-core's WCAG 2.2 AA rules."""

import re

import pytest
from allauth.account.models import EmailAddress

from tests.site.pages import populate

from .helpers import assert_accessible, first_link, tab_to, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "amina@example.org"
PASSWORD = "kind-river-lantern-42"


def press(page, selector: str, key: str = "Enter") -> None:
    """Tab to a control and activate it with a key, waiting for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_sign_up_confirm_sign_in_and_switch_to_arabic(page, home_page, mailoutbox, translations):
    populate(home_page)
    page.goto("/")
    assert_accessible(page, "home (visitor)")

    # Sign up.
    press(page, "header a[href='/accounts/signup/']")
    assert page.url.endswith("/accounts/signup/")
    assert_accessible(page, "sign-up form")
    type_into(page, "main input[name='email']", EMAIL)
    type_into(page, "main input[name='display_name']", "Amina")
    type_into(page, "main input[name='password1']", PASSWORD)
    type_into(page, "main input[name='password2']", PASSWORD)
    tab_to(page, "main input[name='accept_terms']")
    page.keyboard.press("Space")
    assert page.locator("main input[name='accept_terms']").is_checked()
    press(page, "main button[type='submit']")
    assert "/accounts/confirm-email/" in page.url, page.url
    assert_accessible(page, "verification sent")

    # Confirm the address from the e-mail.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    link = first_link(message.body)
    assert "/accounts/confirm-email/" in link
    page.goto(link)
    assert_accessible(page, "confirm e-mail")
    press(page, "main button[type='submit']")
    assert EmailAddress.objects.get(email=EMAIL).verified

    # Sign out if confirming signed us in, then sign in with the keyboard.
    if page.locator("header button:has-text('Sign out')").count():
        press(page, "header button.link-button")
    press(page, "header a[href='/accounts/login/']")
    assert_accessible(page, "sign-in form")
    type_into(page, "main input[name='login']", EMAIL)
    type_into(page, "main input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from the password field
    assert page.locator("header button:has-text('Sign out')").count() == 1
    assert_accessible(page, f"signed in: {page.url}")

    # Switch the interface to Arabic: choose with the arrow keys, then press the button.
    tab_to(page, "#language-select")
    page.keyboard.press("End")
    assert page.locator("#language-select").input_value() == "ar"
    assert page.evaluate("location.pathname") == re.sub(r"^https?://[^/]+", "", page.url)
    press(page, ".language-switcher button", key="Space")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert page.locator(".skip-link").inner_text() == "انتقل إلى المحتوى الرئيسي"
    assert page.locator("header button.link-button").inner_text() == "تسجيل الخروج"
    assert_accessible(page, "Arabic, signed in")

    for path in ["/", "/search/?q=park", "/open-data/", "/no-such-page/"]:
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_accessible(page, f"Arabic {path}")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, home_page):
    page.goto("/search/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("href") == "#main"
    assert focused.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path", ["/search/", "/search/?q=park", "/search/?q=" + "x" * 300, "/open-data/"]
)
def test_search_and_error_pages_are_accessible(page, home_page, path):
    page.goto(path)
    assert_accessible(page)


def test_not_found_page_is_accessible(page, home_page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert_accessible(page)


def test_changing_the_language_select_alone_does_not_reload(page, home_page):
    page.goto("/search/")
    tab_to(page, "#language-select")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url.endswith("/search/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_failed_sign_in_focuses_the_error_summary(page, home_page):
    page.goto("/accounts/login/")
    type_into(page, "main input[name='login']", "nobody@example.org")
    type_into(page, "main input[name='password']", "wrong-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1, "the sign-in page shows no error summary"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("Error:")
    assert_accessible(page, "sign-in with errors")


def test_error_summary_links_lead_to_their_fields(page, home_page):
    page.goto("/accounts/signup/")
    tab_to(page, "main button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    links = page.locator("[data-error-summary] a[href^='#']")
    assert links.count() >= 1, "the sign-up page shows no linked field errors"
    assert_accessible(page, "sign-up with errors")
    target = links.first.get_attribute("href")[1:]
    tab_to(page, "[data-error-summary] a[href^='#']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == target
    assert page.locator(f"#{target}").get_attribute("aria-invalid") == "true"
