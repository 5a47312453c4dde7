"""Similar ideas suggested while a resident types the title of a new idea, in a real browser:
the suggestion appears in a polite live region, links to the earlier idea, and the form still
passes axe-core's WCAG 2.2 AA rules."""

import pytest

from ideas.models import Idea
from tests.factories import UserFactory
from tests.ideas.conftest import make_challenge

from .helpers import BrowserProblems, assert_accessible
from .test_ideas_journey import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_a_title_suggests_similar_ideas(browser, live_server, home_page):
    challenge = make_challenge(home_page, title="Greener streets", phases=(("submit", -1, 5),))
    other = make_challenge(home_page, title="Other streets", phases=(("submit", -1, 5),))
    earlier = Idea.objects.create(
        process=challenge,
        author=UserFactory(display_name="Lina"),
        title="Benches by the <river>",
        body="Shade and rest.",
    )
    Idea.objects.create(
        process=other, author=earlier.author, title="Benches at the station", body="Elsewhere."
    )
    context, page = signed_in(browser, live_server, UserFactory(display_name="Noor"))
    problems = BrowserProblems(page)
    page.goto(f"{challenge.url}new/")
    region = page.locator("main .similar-suggestions[aria-live='polite']")
    assert region.inner_text() == ""
    page.locator("main input[name='title']").press_sequentially("More benches", delay=30)
    link = region.locator("a")
    link.first.wait_for()
    assert "you can support one of them instead" in region.inner_text()
    assert link.count() == 1 and link.inner_text() == "Benches by the <river>"
    assert link.get_attribute("href") == f"{challenge.url}{earlier.pk}/"
    assert_accessible(page, "idea form with a suggestion")
    # A title with nothing in common clears the suggestion.
    page.fill("main input[name='title']", "")
    page.locator("main input[name='title']").press_sequentially("Night buses", delay=30)
    page.wait_for_function(
        "() => !document.querySelector('main .similar-suggestions a')", timeout=5_000
    )
    problems.check()
    context.close()
