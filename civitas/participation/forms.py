"""Admin form of process pages: phase types from the registry, phases checked as a whole."""

import json

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from .phases import switchable_action_choices


class PhaseActionsWidget(forms.Widget):
    """Edits a phase's chosen actions: the type's defaults (JSON null) or a ticked list.

    Works on the JSON text a ``forms.JSONField`` exchanges with its widget; which actions the
    phase type accepts is checked with the whole page (``validate_phases``).
    """

    template_name = "participation/widgets/phase_actions.html"
    use_fieldset = True

    def value_from_datadict(self, data, files, name):
        if data.get(f"{name}-mode") != "custom":
            return "null"
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return json.dumps([str(action) for action in chosen])

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-mode" not in data

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        return value if isinstance(value, list) else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = context["widget"]["value"]
        context["widget"].update(
            mode="default" if chosen is None else "custom",
            chosen=set(chosen or ()),
            choices=switchable_action_choices(),
        )
        return context

    def id_for_label(self, id_):
        return f"{id_}_mode_0" if id_ else id_


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
                enabled_actions=f.cleaned_data.get("enabled_actions"),
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
