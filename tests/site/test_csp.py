"""Public pages send a strict Content Security Policy and contain nothing it would block."""

import re

import pytest

from .pages import PUBLIC_PATHS, populate

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_have_a_strict_policy(client, home_page, path):
    populate(home_page)
    response = client.get(path)
    assert response.status_code in (200, 400, 404)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[name], name
        assert "'unsafe-eval'" not in policy[name], name
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle=", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_contain_nothing_the_policy_blocks(client, home_page, path):
    populate(home_page)
    body = client.get(path).content.decode()
    found = {what: pattern.findall(body) for what, pattern in INLINE.items()}
    assert not any(found.values()), {what: hits for what, hits in found.items() if hits}
