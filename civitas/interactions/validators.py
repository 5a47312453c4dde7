"""Checks for what people type into comments and reports: plain text, clean, not too long."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civitas.core.errors import DomainError
from civitas.core.text import normalise_text, validate_clean_text

COMMENT_MAX_LENGTH = 5000
FLAG_DETAILS_MAX_LENGTH = 500
HIDE_REASON_MAX_LENGTH = 300

# Only real HTML elements count, so that "x<y and y>z" or "I <3 parks" stay acceptable.
HTML_ELEMENTS = (
    "a|abbr|audio|b|base|blockquote|body|br|button|canvas|code|dialog|div|em|embed|form|frame|"
    "frameset|h[1-6]|head|hr|html|i|iframe|img|input|label|li|link|math|meta|noscript|object|"
    "ol|option|p|param|picture|pre|s|script|select|small|source|span|strong|style|sub|sup|svg|"
    "table|tbody|td|template|textarea|th|title|tr|u|ul|video"
)
HTML_MARKUP = re.compile(rf"<\s*/?\s*(?:{HTML_ELEMENTS})\b[^>]*>|<!--|<!\[CDATA\[", re.IGNORECASE)


def validate_plain_text(value: str) -> None:
    """Reject HTML markup: people write plain text, which is always shown escaped."""
    if HTML_MARKUP.search(value):
        raise ValidationError(_("Please write plain text without HTML tags."), code="markup")


def clean_text(value, *, max_length: int, empty_message=None) -> str:
    """Normalised plain text, or DomainError; empty is allowed only without `empty_message`."""
    text = normalise_text(value or "")
    if not text and empty_message is not None:
        raise DomainError(empty_message, code="empty")
    if len(text) > max_length:
        raise DomainError(
            _("Please keep it under %(max)s characters (it has %(length)s).")
            % {"max": max_length, "length": len(text)},
            code="too_long",
        )
    try:
        validate_clean_text(text)
        validate_plain_text(text)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid") from exc
    return text
