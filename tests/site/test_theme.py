"""The /theme.css view: valid CSS from any stored colours, readable pairs, HTTP caching."""

import itertools
import re
from pathlib import Path

import pytest

from civitas.core import theme
from civitas.core.models import CitySettings

ROOT_RULE = re.compile(r"^:root\{(--[a-z-]+:#[0-9a-f]{6})(;--[a-z-]+:#[0-9a-f]{6})*\}\n$")


def properties(css: str) -> dict[str, str]:
    assert ROOT_RULE.match(css), css
    return dict(item.split(":") for item in css[len(":root{") : -2].split(";"))


def test_theme_stylesheet_is_one_root_rule_of_colours(client, city):
    response = client.get("/theme.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    props = properties(response.content.decode())
    assert props["--primary"] == "#1d4ed8"
    assert props["--accent"] == "#b45309"
    assert set(props) == {f"--{name}" for name in theme.palette("#000000", "#000000")}


def test_theme_follows_the_city_colours(client, city):
    city.primary_colour = "#FFEB3B"
    city.accent_colour = "#00aa00"
    city.save()
    props = properties(client.get("/theme.css").content.decode())
    assert props["--primary"] == "#ffeb3b"
    # Yellow is too light for white text or for links: the theme picks readable partners.
    assert props["--on-primary"] == "#000000"
    assert theme.contrast(props["--primary-text"], theme.SURFACE) >= 4.5


@pytest.mark.parametrize(
    "stored",
    # At most 7 characters: the column's length, which PostgreSQL enforces.
    ["red", "#12345", "#fff;}*", "", "</style", "#GGGGGG", " #fffff"],
)
def test_stored_garbage_falls_back_to_defaults_instead_of_failing(client, city, stored):
    # Validation keeps these out of the admin; the stylesheet must not trust the database either.
    CitySettings.objects.filter(pk=city.pk).update(primary_colour=stored, accent_colour=stored)
    response = client.get("/theme.css")
    assert response.status_code == 200
    props = properties(response.content.decode())
    assert props["--primary"] == theme.DEFAULT_PRIMARY
    assert props["--accent"] == theme.DEFAULT_ACCENT


def test_theme_works_without_a_matching_site(client, db):
    # No site at all (fresh install before the first page): defaults, not an error.
    from wagtail.models import Site

    Site.objects.all().delete()
    response = client.get("/theme.css")
    assert response.status_code == 200
    assert properties(response.content.decode())["--primary"] == theme.DEFAULT_PRIMARY


def test_versioned_url_is_cached_for_a_year_and_others_briefly(client, city):
    page = client.get("/").content.decode()
    url = re.search(r'href="(/theme\.css\?v=[0-9a-f]{12})"', page).group(1)
    versioned = client.get(url)
    assert "max-age=31536000" in versioned["Cache-Control"]
    assert "immutable" in versioned["Cache-Control"]
    stale = client.get("/theme.css?v=000000000000")
    assert "max-age=300" in stale["Cache-Control"]
    assert "immutable" not in stale["Cache-Control"]


def test_changing_colours_changes_the_url_in_pages(client, city):
    before = re.search(r"theme\.css\?v=(\w+)", client.get("/").content.decode()).group(1)
    city.primary_colour = "#7c2d12"
    city.save()
    after = re.search(r"theme\.css\?v=(\w+)", client.get("/").content.decode()).group(1)
    assert before != after


def test_unchanged_theme_answers_304(client, city):
    first = client.get("/theme.css")
    again = client.get("/theme.css", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_theme_accepts_head_and_refuses_writes(client, city):
    assert client.head("/theme.css").status_code == 200
    assert client.post("/theme.css").status_code == 405


# Every pair the stylesheet promises, over a grid of colours from black to white.
GRID = ["#" + "".join(c) for c in itertools.product(["00", "55", "99", "cc", "ff"], repeat=3)]


@pytest.mark.parametrize("colour", GRID)
def test_every_palette_keeps_aa_contrast(colour):
    p = theme.palette(colour, colour)
    assert theme.contrast(p["on-primary"], p["primary"]) >= 4.5
    assert theme.contrast(p["on-primary-strong"], p["primary-strong"]) >= 4.5
    assert theme.contrast(p["on-accent"], p["accent"]) >= 4.5
    for text in (p["primary-text"], p["accent-text"]):
        assert theme.contrast(text, theme.PAGE) >= 4.5
        assert theme.contrast(text, theme.SURFACE) >= 4.5


def test_default_palette_matches_the_fallback_in_civitas_css():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("civitas/css/civitas.css")).read_text(encoding="utf-8")
    for name, value in theme.palette(theme.DEFAULT_PRIMARY, theme.DEFAULT_ACCENT).items():
        short = value.replace("#ffffff", "#fff")
        assert f"--{name}: {short};" in css, name
