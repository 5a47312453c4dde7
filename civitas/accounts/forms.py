"""Forms of a person's own account: sign-up extras, profile, consent, account deletion."""

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from civitas.core.text import validate_clean_text

from .models import User

REPLACEMENT_CHARACTER = "\ufffd"


def validate_display_name(value: str) -> None:
    """Names are shown everywhere: no control characters, no mangled encodings."""
    validate_clean_text(value)
    if REPLACEMENT_CHARACTER in value or "\n" in value or "\r" in value or "\t" in value:
        raise forms.ValidationError(
            _("The name contains characters that cannot be shown."), code="invalid_characters"
        )


def display_name_field(**kwargs) -> forms.CharField:
    model_field = User._meta.get_field("display_name")
    return forms.CharField(
        max_length=model_field.max_length,
        required=False,
        validators=[validate_display_name],
        help_text=model_field.help_text,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        **kwargs,
    )


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: an optional public name and consent to the terms."""

    # allauth adds its own fields after these; consent comes last, next to the button.
    field_order = ["email", "display_name", "password1", "password2", "accept_terms"]

    display_name = display_name_field(label=_("Display name (optional)"))
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use and the privacy notice"),
        required=True,
        error_messages={"required": _("You need to accept the terms of use to create an account.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].help_text = format_html(
            '<a href="{}">{}</a>', reverse_lazy("accounts:terms"), _("Read the terms of use")
        )

    def signup(self, request, user):
        """Called by allauth once the account exists: store the name and the consent."""
        from .services import profile_update, terms_accept

        display_name = self.cleaned_data.get("display_name", "")
        if display_name:
            profile_update(user=user, data={"display_name": display_name})
        terms_accept(user=user)


class ProfileForm(forms.Form):
    """What people may change about themselves; the service validates again and saves."""

    display_name = display_name_field(label=_("Display name"))
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        help_text=_("E-mails and notifications are sent in this language."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        required=False,
        empty_label=_("Not set"),
        help_text=_("Used to suggest what happens near you. Never shown publicly."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from civitas.participation.models import District

        self.fields["preferred_language"].choices = [
            ("", _("Language of the page")),
            *User._meta.get_field("preferred_language").choices,
        ]
        self.fields["district"].queryset = District.objects.order_by("name")

    @classmethod
    def for_user(cls, user, data=None):
        return cls(
            data,
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "district": user.district_id,
            },
        )


class TermsAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice"),
        required=True,
        error_messages={"required": _("Tick the box to accept the terms of use.")},
    )


class AccountDeleteForm(forms.Form):
    """Deleting needs a deliberate tick; the password is asked again by reauthentication."""

    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted for good"),
        required=True,
        help_text=_("What you contributed stays, shown as from a 'Deleted user'."),
        error_messages={"required": _("Tick the box to confirm that you want to delete it.")},
    )
