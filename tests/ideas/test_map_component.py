"""The shared map component: escaped points over a plain list, hidden-input picker, CSP."""

import json

from django import forms
from django.template import Context, Template
from django.test import override_settings

MAP = Template(
    "{% load civitas_maps %}{% map_view points label='Map of ideas' list_label='Places' %}"
)
PICKER = Template("{% load civitas_maps %}{% map_picker form.lat form.lon label='Point' %}")


class PointForm(forms.Form):
    lat = forms.DecimalField(required=False, widget=forms.HiddenInput)
    lon = forms.DecimalField(required=False, widget=forms.HiddenInput)


EVIL = '<script>alert("x")</script>'


def test_map_view_lists_points_escaped_and_passes_them_as_json():
    points = [
        {"lat": "50.85", "lon": "4.35", "title": EVIL, "url": "/ideas/1/", "text": "a & b"},
        {"lat": None, "lon": None, "title": "Nowhere"},
    ]
    html = MAP.render(Context({"points": points}))
    assert EVIL not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Nowhere" not in html  # a point without coordinates is not a place
    start = html.index('type="application/json">') + len('type="application/json">')
    data = json.loads(html[start : html.index("</script>", start)])
    assert data == [{"lat": 50.85, "lon": 4.35, "title": EVIL, "url": "/ideas/1/", "text": "a & b"}]
    assert "<h2" in html and "Places" in html
    assert "civitas/vendor/leaflet/leaflet.js" in html and "civitas/map.js" in html


def test_map_view_without_points_says_so():
    html = MAP.render(Context({"points": []}))
    assert "No places to show." in html


@override_settings(CIVITAS_MAP_TILE_URL="")
def test_without_a_tile_server_no_script_is_loaded():
    html = MAP.render(Context({"points": [{"lat": 1, "lon": 2, "title": "A"}]}))
    assert "leaflet.js" not in html and "map.js" not in html
    assert "<li>A</li>" in html


@override_settings(CIVITAS_MAP_BOUNDS=(50.0, 4.0, 51.0, 5.0))
def test_picker_renders_hidden_inputs_it_fills():
    form = PointForm(initial={"lat": "50.5", "lon": "4.5"})
    html = PICKER.render(Context({"form": form}))
    assert 'type="hidden" name="lat" value="50.5" id="id_lat"' in html
    assert 'data-lat-input="id_lat" data-lon-input="id_lon"' in html
    assert 'data-bounds="50.0,4.0,51.0,5.0"' in html


def test_tile_host_is_allowed_for_images(client, db, home_page):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src
