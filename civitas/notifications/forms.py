"""The preferences form: for each notification kind, in-app and e-mail checkboxes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import notification_kinds
from .services import person_choices


class PreferencesForm(forms.Form):
    """One pair of checkboxes per registered kind; mandatory kinds keep in-app on."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        current = person_choices(user)
        for kind in notification_kinds:
            in_app, email = current[kind.key]
            in_app_name, email_name = f"{kind.key}__in_app", f"{kind.key}__email"
            self.fields[in_app_name] = forms.BooleanField(
                label=_("%(kind)s: in the app") % {"kind": kind.label},
                required=False,
                initial=in_app,
                disabled=kind.mandatory,
            )
            self.fields[email_name] = forms.BooleanField(
                label=_("%(kind)s: by e-mail") % {"kind": kind.label},
                required=False,
                initial=email,
            )
            self.rows.append((kind, self[in_app_name], self[email_name]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind.key: (
                self.cleaned_data[f"{kind.key}__in_app"],
                self.cleaned_data[f"{kind.key}__email"],
            )
            for kind, _in_app, _email in self.rows
        }
