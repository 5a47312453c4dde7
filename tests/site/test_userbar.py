"""Wagtail's user bar (edit this page, admin) is drawn on pages editors can edit, not on the
app views, where it only cost permission queries."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_pages_show_the_user_bar_to_editors(client, home_page, editor):
    assert "wagtail-userbar" in client.get(home_page.url).content.decode()


def test_app_views_do_not(client, home_page, editor):
    response = client.get("/search/", {"q": "trees"})
    assert response.status_code == 200
    assert "wagtail-userbar" not in response.content.decode()
