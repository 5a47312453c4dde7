"""Texts shown through a translation fallback say which language they are in (WCAG 3.1.2)."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from civitas.core.templatetags.civitas_translation import shown_language
from ideas.models import IdeaStatus

pytestmark = pytest.mark.django_db


def answer_element(html: str) -> str:
    return re.search(r'<div class="answer"[^>]*>', html).group(0)


def status_element(html: str) -> str:
    return re.search(r'<span class="idea-status[^"]*"[^>]*>', html).group(0)


def read_in(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_the_shown_language_is_the_active_one_or_the_fallback_that_answered(idea):
    idea.official_answer_fr = "Nous le ferons."
    idea.save()
    for active, expected in (("fr", "fr"), ("ar", "fr"), ("en", "fr")):
        with translation.override(active):
            assert shown_language(idea, "official_answer") == expected, active
    idea.official_answer_ar = "سنفعل ذلك"
    idea.save()
    with translation.override("ar"):
        assert shown_language(idea, "official_answer") == "ar"
    with translation.override("es"):  # the first language of the fallback chain that has it
        assert shown_language(idea, "official_answer") == "fr"


def test_untranslated_or_empty_fields_have_no_shown_language(idea):
    assert shown_language(idea, "official_answer") == ""
    assert shown_language(idea, "title") == ""  # the idea keeps the language it was written in
    assert shown_language(idea, "no_such_field") == ""


def test_the_tag_marks_only_text_in_another_language(idea):
    template = Template(
        '{% load civitas_translation %}<p{% lang_attributes idea "official_answer" %}>'
    )
    idea.official_answer_ar = "سنفعل ذلك"
    idea.save()
    with translation.override("en"):
        assert template.render(Context({"idea": idea})) == '<p lang="ar" dir="rtl">'
    with translation.override("ar"):
        assert template.render(Context({"idea": idea})) == "<p>"


def test_an_answer_in_french_is_marked_french_on_the_arabic_page(client, idea, challenge):
    idea.official_answer_fr = "Nous le ferons."
    idea.save()
    html = read_in(client, f"{challenge.url}{idea.pk}/", "ar")
    assert answer_element(html) == '<div class="answer" lang="fr" dir="ltr">'
    assert "Nous le ferons." in html


def test_an_answer_in_arabic_is_marked_right_to_left_on_the_english_page(client, idea, challenge):
    idea.official_answer_ar = "سنفعل ذلك"
    idea.save()
    html = read_in(client, f"{challenge.url}{idea.pk}/", "en")
    assert answer_element(html) == '<div class="answer" lang="ar" dir="rtl">'


def test_an_answer_in_the_page_language_is_not_marked(client, idea, challenge):
    idea.official_answer_en = "We will."
    idea.official_answer_ar = "سنفعل ذلك"
    idea.save()
    assert answer_element(read_in(client, f"{challenge.url}{idea.pk}/", "ar")) == (
        '<div class="answer">'
    )


def test_a_status_label_missing_in_arabic_is_marked_on_the_page_and_the_list(
    client, idea, challenge
):
    IdeaStatus.objects.filter(code=idea.status_id).update(label_ar="", label_en="Under review")
    detail = read_in(client, f"{challenge.url}{idea.pk}/", "ar")
    listing = read_in(client, challenge.url, "ar")
    for html in (detail, listing):
        assert 'lang="en" dir="ltr">Under review<' in html
