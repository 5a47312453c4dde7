"""The home page stays light for slow connections: at most 100 KB transferred in all."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory
from tests.site.pages import populate

from .helpers import assert_accessible, transferred_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024


def sign_in(context, live_server):
    """Give the browser the session cookie of a fresh, verified resident."""
    client = Client()
    client.force_login(UserFactory())
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_home_page_weight(context, page, home_page, live_server, signed_in):
    populate(home_page)
    if signed_in:
        sign_in(context, live_server)
    # User images are excluded from the budget (none are uploaded here); everything else counts.
    total, rows = transferred_bytes(page, "/", exclude_prefixes=(settings.MEDIA_URL,))
    who = "signed in" if signed_in else "visitor"
    print(f"\nhome page ({who}): {total} bytes of response bodies in {len(rows)} requests")
    for body, headers, path in rows:
        print(f"  {body:>7} B body  {headers:>5} B headers  {path}")
    assert total <= BUDGET, f"home page transfers {total} bytes, over the {BUDGET} byte budget"
    assert_accessible(page, f"home ({who}, with processes)")
