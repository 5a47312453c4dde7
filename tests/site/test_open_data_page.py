"""The footer's open-data link leads to a page of the site that lists the API's public
addresses; the department-only case addresses are not on it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_public_addresses(client, home_page):
    footer = client.get(home_page.url).content.decode()
    url = reverse("core:open_data")
    assert f'href="{url}"' in footer
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for path in (
        "/api/v1/processes",
        "/api/v1/ideas/",
        "/api/v1/budgeting/rounds/{round_id}/result",
    ):
        assert f'<code lang="en">{path}</code>' in html
    assert "Ideas of live challenges" in html
    assert "/api/v1/feedback/cases" not in html
    assert 'href="/api/v1/openapi.json"' in html and 'href="/api/v1/docs"' in html
