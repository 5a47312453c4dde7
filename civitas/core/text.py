"""Checks for text people type: length, control characters and invalid unicode."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_CONTROL = {"\n", "\r", "\t"}


def validate_clean_text(value: str) -> None:
    """Reject control characters and lone surrogates (they break exports and e-mails)."""
    for char in value:
        if char in ALLOWED_CONTROL:
            continue
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise ValidationError(_("The text contains invalid characters."), code="surrogate")
        if unicodedata.category(char) == "Cc":
            raise ValidationError(_("The text contains control characters."), code="control")


def normalise_text(value: str) -> str:
    """Normalise to NFC and unify line endings so equal texts compare equal."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
