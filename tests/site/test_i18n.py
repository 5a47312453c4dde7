"""Languages: right-to-left Arabic, the no-script language switcher, complete catalogues."""

import re

import pytest
from django.conf import settings

from .catalogues import catalogues, read_po

ARABIC_SKIP_LINK = "انتقل إلى المحتوى الرئيسي"


def get_in(client, language, path="/"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path).content.decode()


@pytest.mark.usefixtures("compiled_catalogues")
def test_arabic_pages_are_right_to_left_and_translated(client, home_page):
    for path in ["/", "/search/?q=budget", "/no-such-page/"]:
        body = get_in(client, "ar", path)
        assert '<html lang="ar" dir="rtl">' in body, path
        assert ARABIC_SKIP_LINK in body, path


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize(
    ("language", "skip_link"),
    [("en", "Skip to main content"), ("es", "Saltar al contenido"), ("fr", "Aller au contenu")],
)
def test_other_languages_are_left_to_right(client, home_page, language, skip_link):
    body = get_in(client, language)
    assert f'<html lang="{language}" dir="ltr">' in body
    assert skip_link in body


@pytest.mark.usefixtures("compiled_catalogues")
def test_switcher_posts_the_choice_and_returns_to_the_page(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/search/?q=park"})
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=park"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert 'dir="rtl"' in client.get("/search/?q=park").content.decode()


def test_switcher_needs_a_button_not_a_script(client, home_page):
    body = client.get("/search/?q=x").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', body, re.S).group(0)
    assert 'action="/i18n/setlang/"' in form
    assert 'method="post"' in form
    assert '<button type="submit">' in form
    assert 'value="/search/?q=x"' in form
    assert "onchange" not in form
    # Each language is named in itself and marked up as such for screen readers.
    assert '<option value="ar" lang="ar" dir="rtl">العربيّة</option>' in form
    assert '<label for="language-select">' in form


def test_switcher_offers_only_the_city_languages(client, home_page):
    from civitas.core.models import CitySettings

    city = CitySettings.for_site(home_page.get_site())
    city.languages = ["en", "ar"]
    city.save()
    form = re.search(
        r'<form class="language-switcher".*?</form>', client.get("/").content.decode(), re.S
    )
    assert re.findall(r'<option value="(\w+)"', form.group(0)) == ["en", "ar"]
    city.languages = ["fr"]
    city.save()
    assert 'class="language-switcher"' not in client.get("/").content.decode()


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{ *\w+ *\}\}|</?\w+>")
COUNT_NAMES = {"%(counter)s", "%(count)s", "%(count)d", "%(n)s"}


def translated_languages():
    return [po for po in catalogues() if po.parent.parent.name != settings.LANGUAGE_CODE]


@pytest.mark.parametrize("po", translated_languages(), ids=lambda po: po.parent.parent.name)
def test_catalogue_is_complete_and_keeps_placeholders(po):
    entries = read_po(po)
    header = entries[0]["msgstr"]
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))
    if po.parent.parent.name == "ar":
        assert nplurals == 6
    problems = []
    for entry in entries[1:]:
        if entry.get("obsolete"):
            continue
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in entry:
            wanted = set(PLACEHOLDER.findall(msgid + entry["msgid_plural"]))
            forms = [entry.get(f"msgstr[{i}]", "") for i in range(nplurals)]
            for form in forms:
                found = set(PLACEHOLDER.findall(form))
                # A form for exactly one or two may spell the number out instead.
                if not form or found - wanted or (wanted - COUNT_NAMES) - found:
                    problems.append(f"plural form {form!r} of {msgid!r}")
        else:
            text = entry.get("msgstr", "")
            if not text:
                problems.append(f"untranslated: {msgid!r}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(msgid)):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)
