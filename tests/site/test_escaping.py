"""HTML typed into the city settings is shown as text on every public page, never run."""

import pytest

from tests.factories import UserFactory

from .pages import PUBLIC_PATHS, populate

CITY = '<script>alert("city")</script>'
TAGLINE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_city(city, home_page):
    city.city_name = CITY
    city.tagline = TAGLINE
    city.contact_email = "contact@example.org"
    city.save()
    populate(home_page)
    return city


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_city_name_is_escaped(client, hostile_city, path, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    # Signed in, the sign-in and sign-up pages redirect home: check where they land.
    body = client.get(path, follow=True).content.decode()
    assert CITY not in body
    assert TAGLINE not in body
    assert "&lt;script&gt;alert(&quot;city&quot;)&lt;/script&gt;" in body


def test_home_page_shows_the_escaped_tagline(client, hostile_city):
    body = client.get("/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
