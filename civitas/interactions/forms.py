"""Forms of interactions; they check input, services enforce the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.text import normalise_text, validate_clean_text

from .models import FlagReason
from .validators import (
    COMMENT_MAX_LENGTH,
    FLAG_DETAILS_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    validate_plain_text,
)


class PlainTextField(forms.CharField):
    """Normalised plain text: no control characters, no HTML."""

    default_validators = [validate_clean_text, validate_plain_text]

    def to_python(self, value):
        return normalise_text(super().to_python(value))


class CommentForm(forms.Form):
    body = PlainTextField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a comment first.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set per request so the number sits in a translated sentence.
        self.fields["body"].help_text = _(
            "Plain text, up to %(max)s characters. Be kind and stay on topic."
        ) % {"max": COMMENT_MAX_LENGTH}


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    details = PlainTextField(
        label=_("Details (optional)"),
        max_length=FLAG_DETAILS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].help_text = _(
            "Help moderators understand the problem. Up to %(max)s characters."
        ) % {"max": FLAG_DETAILS_MAX_LENGTH}


class HideForm(forms.Form):
    reason = PlainTextField(
        label=_("Reason for hiding"),
        max_length=HIDE_REASON_MAX_LENGTH,
        help_text=_("The author sees this reason."),
        error_messages={"required": _("Give a reason; the author will see it.")},
    )
