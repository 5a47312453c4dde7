import pytest


@pytest.mark.django_db
def test_home_page_renders_every_section_gracefully(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There are no open processes right now" in body
    assert "No events are planned yet." in body
    assert "No answers have been published yet." in body
