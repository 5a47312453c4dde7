"""Forms of accounts: sign-up extras, profile, account deletion, and the Wagtail user forms."""

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from civitas.core.text import validate_clean_text

from .models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: an optional public name and consent to the terms."""

    display_name = forms.CharField(
        label=_("Display name (optional)"),
        max_length=80,
        required=False,
        validators=[validate_clean_text],
        help_text=_("Shown next to what you contribute. Leave empty to appear as 'Resident'."),
    )
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
        from .services import terms_accept

        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
        terms_accept(user=user)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "district"]


class AccountDeleteForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=20,
        help_text=_("This cannot be undone. What you contributed stays, shown as 'Deleted user'."),
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "DELETE":
            raise forms.ValidationError(_("Type DELETE to confirm that you want to delete it."))
        return value


class WagtailUserEditForm(UserEditForm):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", "—"), *User._meta.get_field("preferred_language").choices],
        required=False,
    )


class WagtailUserCreationForm(UserCreationForm):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", "—"), *User._meta.get_field("preferred_language").choices],
        required=False,
    )
