"""The public pages every site-wide test visits."""

from tests.factories import make_dummy_process

PUBLIC_PATHS = [
    "/",
    "/search/",
    "/search/?q=park",
    "/search/?q=" + "x" * 300,  # too long: the error state
    "/no-such-page/",
    "/me/terms/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def populate(home_page):
    """Give the home page something in every state, so its cards and lists render too."""
    make_dummy_process(home_page, title="Open process", phases=[("collect", -1, 5)])
    make_dummy_process(home_page, title="Soon process", phases=[("collect", 3, 5)])
    make_dummy_process(home_page, title="Old process", phases=[("collect", -9, -2)])
