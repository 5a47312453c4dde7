"""Which language a translated field's shown text is in, so that pages can mark it (WCAG 3.1.2).

A text missing in the reader's language is shown in a fallback language (settings
MODELTRANSLATION_FALLBACK_LANGUAGES); the element holding it must then say which language it is
in, or screen readers read French words with Arabic rules.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.utils import build_localized_fieldname, resolution_order

register = template.Library()


@register.filter
def shown_language(obj, field_name: str) -> str:
    """The language code of the text `obj.<field_name>` shows in the active language: the active
    language, or the fallback that supplied it; "" if the field is not translated or empty."""
    descriptor = getattr(type(obj), field_name, None)
    if not isinstance(descriptor, TranslationFieldDescriptor):
        return ""
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    # The same walk as the descriptor's own __get__, stopping at the language that answers.
    for language in resolution_order(get_language(), descriptor.fallback_languages):
        value = getattr(obj, build_localized_fieldname(descriptor.field.name, language), None)
        if descriptor.meaningful_value(value, undefined):
            return language
    return ""


@register.simple_tag
def lang_attributes(obj, field_name: str):
    """` lang="…" dir="…"` for an element holding `obj.<field_name>` when its text is in
    another language than the page's; nothing when it is in the page's language (or unknown)."""
    language = shown_language(obj, field_name)
    if not language or language == get_language():
        return ""
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', language, direction)
