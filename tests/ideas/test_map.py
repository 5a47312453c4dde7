"""Location on the proposal form and the map view of the lists, all without JavaScript."""

import json
import re
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea
from tests.factories import TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_box")]

EVIL = '</script><img src=x onerror=alert(1)> "quoted"'


@pytest.fixture
def city_box(settings):
    settings.CIVITAS_MAP_BOUNDS = (50.76, 4.24, 50.92, 4.49)


def proposal(**changes):
    return {
        "title": "Benches by the river",
        "body": "Somewhere to rest.",
        "location_text": "Quay",
        "submission_key": str(uuid.uuid4()),
        "confirmed": "1",
        **changes,
    }


def points_of(response) -> list[dict]:
    html = response.content.decode()
    match = re.search(r'<script id="map-points-\d+" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_the_form_has_the_picker_and_the_place_field(client, challenge, resident):
    client.force_login(resident)
    html = client.get(f"{challenge.url}new/").content.decode()
    assert 'name="location_text"' in html
    assert 'type="hidden" name="latitude"' in html and 'type="hidden" name="longitude"' in html
    assert "data-civitas-map-picker" in html
    assert html.count('name="latitude"') == 1


def test_a_point_in_the_city_is_saved_and_shown(client, challenge, resident):
    client.force_login(resident)
    url = f"{challenge.url}new/"
    confirm = client.post(url, proposal(confirmed="", latitude="50.8467", longitude="4.3525"))
    # The confirmation step carries the point on.
    assert 'name="latitude" value="50.8467"' in confirm.content.decode()
    response = client.post(url, proposal(latitude="50.8467", longitude="4.3525"))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (str(idea.latitude), str(idea.longitude)) == ("50.846700", "4.352500")
    detail = client.get(response["Location"])
    assert points_of(detail)[0]["lat"] == 50.8467


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("52.52", "13.40", "outside the city"),
        ("50.85", "east", "must be numbers"),
        ("50.85", "", "needs both coordinates"),
        ("95", "4.3", "outside the valid range"),
    ],
)
def test_a_bad_point_is_refused_with_400_and_the_text_kept(
    client, challenge, resident, latitude, longitude, message
):
    client.force_login(resident)
    response = client.post(f"{challenge.url}new/", proposal(latitude=latitude, longitude=longitude))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    assert "Benches by the river" in html
    assert Idea.objects.count() == 0


def test_without_a_bounding_box_any_valid_point_is_taken(client, challenge, resident, settings):
    settings.CIVITAS_MAP_BOUNDS = ()
    client.force_login(resident)
    client.post(f"{challenge.url}new/", proposal(latitude="-33.9", longitude="151.2"))
    assert Idea.objects.get().latitude is not None


def test_the_author_moves_or_removes_the_point(client, make_idea, challenge, author):
    idea = make_idea(challenge, latitude="50.8", longitude="4.3")
    client.force_login(author)
    url = f"{challenge.url}{idea.pk}/edit/"
    assert 'value="50.800000"' in client.get(url).content.decode()
    data = {"title": idea.title, "body": idea.body, "location_text": ""}
    client.post(url, {**data, "latitude": "50.81", "longitude": "4.31"})
    idea.refresh_from_db()
    assert (str(idea.latitude), str(idea.longitude)) == ("50.810000", "4.310000")
    client.post(url, {**data, "latitude": "", "longitude": ""})
    idea.refresh_from_db()
    assert idea.latitude is None and idea.longitude is None


def test_map_view_shows_the_filtered_ideas_with_a_point_escaped(client, challenge, make_idea):
    topic = TopicFactory()
    make_idea(challenge, title=EVIL, topic=topic, latitude="50.85", longitude="4.35")
    make_idea(challenge, title="Elsewhere", latitude="50.80", longitude="4.30")
    make_idea(challenge, title="No point")
    response = client.get(challenge.url, {"view": "map", "topic": topic.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert EVIL not in html
    assert [point["title"] for point in points_of(response)] == [EVIL]
    assert "No point" not in html and "Elsewhere" not in html
    assert 'aria-current="page">Map' in html
    all_points = points_of(client.get(challenge.url, {"view": "map"}))
    assert {point["title"] for point in all_points} == {EVIL, "Elsewhere"}


def test_city_map_view_links_each_idea_to_its_challenge(
    client, make_process, make_idea, index_page
):
    first, second = make_process(title="Parks"), make_process(title="Streets")
    a = make_idea(first, title="A", latitude="50.85", longitude="4.35")
    b = make_idea(second, title="B", latitude="50.86", longitude="4.36")
    response = client.get(index_page.url, {"view": "map"})
    urls = {point["title"]: point["url"] for point in points_of(response)}
    assert urls == {"A": f"{first.url}{a.pk}/", "B": f"{second.url}{b.pk}/"}


def test_map_view_queries_do_not_grow(client, challenge, make_idea, make_process, index_page):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"view": "map"}).status_code == 200
        return len(queries)

    make_idea(challenge, latitude="50.85", longitude="4.35")
    urls = (challenge.url, index_page.url)
    for url in urls:
        count(url)  # warm the caches first
    before = [count(url) for url in urls]
    other = make_process(title="Other")
    for number in range(12):
        make_idea(
            other if number % 2 else challenge,
            title=f"Idea {number}",
            topic=TopicFactory(),
            latitude="50.8",
            longitude="4.3",
        )
    assert [count(url) for url in urls] == before


@override_settings(CIVITAS_MAP_TILE_URL="")
def test_without_tiles_the_map_view_is_the_plain_list(client, challenge, make_idea):
    make_idea(challenge, title="By the quay", latitude="50.85", longitude="4.35")
    html = client.get(challenge.url, {"view": "map"}).content.decode()
    assert "By the quay" in html and "leaflet.js" not in html
