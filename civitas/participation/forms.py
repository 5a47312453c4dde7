"""Admin form of process pages: phase types from the registry, phases checked as a whole."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm


class ProcessPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        from .models import Phase, validate_phases

        formset = self.formsets.get("phases")
        if formset is None or not formset.is_valid():
            return cleaned
        phases = [
            Phase(
                phase_type=f.cleaned_data.get("phase_type", ""),
                title=f.cleaned_data.get("title", ""),
                starts_at=f.cleaned_data.get("starts_at"),
                ends_at=f.cleaned_data.get("ends_at"),
            )
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        allowed = {key for key, _label in type(self.instance).allowed_phase_types()}
        try:
            validate_phases(phases, allowed)
        except ValidationError as exc:
            for message in exc.messages:
                self.add_error(None, message)
        return cleaned
