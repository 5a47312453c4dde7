"""Forms of events; they check shapes, the services check the rules."""

import copy
import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civitas.core.images import clean_photo
from civitas.core.text import validate_clean_text
from civitas.participation.models import District

from .input_kinds import input_kinds
from .models import ACCESSIBILITY_FEATURES, AgeBand, EventKind

MAX_PHOTOS = 4


def language_field(label, required=False, **kwargs):
    choices = [("", _("— none —"))] if not required else []
    return forms.ChoiceField(
        label=label, required=required, choices=[*choices, *settings.LANGUAGES], **kwargs
    )


class EventFilterForm(forms.Form):
    """Filters of the events listing (GET)."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("All districts"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    access = forms.MultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        choices=ACCESSIBILITY_FEATURES,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
        help_text=_("Spoken at the event or interpreted into."),
    )
    past = forms.BooleanField(label=_("Show past events"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class RegistrationForm(forms.Form):
    """Registration for a session, with the adjustments a person may ask for."""

    interpretation_language = language_field(
        _("Interpretation into"),
        help_text=_("If you would like interpretation, choose the language."),
    )
    childcare_children = forms.IntegerField(
        label=_("Children needing childcare"),
        min_value=0,
        max_value=10,
        initial=0,
        required=False,
    )
    step_free_seating = forms.BooleanField(label=_("Step-free seating"), required=False)
    other_needs = forms.CharField(
        label=_("Anything else we can arrange for you?"),
        required=False,
        max_length=500,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(max)s photos.") % {"max": MAX_PHOTOS}, code="photo_count"
            )
        return [clean_photo(super(PhotosField, self).clean(f, initial)) for f in files]


class InputForm(forms.Form):
    """One input logged in the console; the kind adds its own fields."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    kind = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"), max_length=150, required=False, validators=[validate_clean_text]
    )
    text = forms.CharField(
        label=_("What was said"),
        max_length=5000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    source_detail = forms.CharField(
        label=_("Table or group"),
        max_length=200,
        required=False,
        validators=[validate_clean_text],
    )
    people_count = forms.IntegerField(
        label=_("People behind it"), min_value=1, max_value=100_000, initial=1
    )
    language = language_field(_("Language it was said in"), required=True)
    receipt_code = forms.CharField(
        label=_("Receipt card code"),
        max_length=14,
        required=False,
        help_text=_("If the participant took a card, type its code so they can follow it."),
    )
    photos = PhotosField(
        label=_("Photos of the flip chart"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 4 photos."),
    )

    def __init__(self, *args, kind, params=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.input_kind = input_kinds.get(kind)
        self.fields["kind"].initial = kind
        self.fields["submission_key"].initial = uuid.uuid4()
        if self.input_kind.needs_title:
            self.fields["title"].required = True
        if not self.input_kind.needs_text:
            self.fields["text"].required = False
            self.fields["text"].label = _("Notes")
        if self.input_kind.secret:
            # A ballot carries nothing that could tell whose it is.
            for name in ("photos", "receipt_code", "people_count", "title"):
                del self.fields[name]
        params = self.data if self.is_bound else (params or {})
        self.kind_fields = self.input_kind.fields(params)
        self.fields.update(self.kind_fields)
        self.order_fields(["kind", "submission_key", *self.kind_fields])
        self.chooser_form = None
        if self.input_kind.chooser:
            # Picked in a GET form of its own; this form carries the choice along, hidden.
            name = self.input_kind.chooser
            field = self.fields[name]
            self.chooser_form = forms.Form(auto_id="choose_%s", initial={name: field.initial})
            self.chooser_form.fields[name] = copy.deepcopy(field)
            field.widget = forms.HiddenInput()

    def kind_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.kind_fields}

    def value(self, name, default=None):
        """A cleaned common field, or `default` where the kind leaves it out."""
        return self.cleaned_data.get(name, default) if name in self.fields else default


class AttendanceForm(forms.Form):
    """How many came, with optional anonymous counts per age band and district."""

    total = forms.IntegerField(label=_("People present"), min_value=0, max_value=100_000)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in AgeBand.choices:
            self.fields[f"age_{key}"] = forms.IntegerField(
                label=label, min_value=0, max_value=100_000, required=False
            )
        for district in districts:
            self.fields[f"district_{district.pk}"] = forms.IntegerField(
                label=district.name, min_value=0, max_value=100_000, required=False
            )

    def bands(self, prefix: str) -> dict:
        return {
            name[len(prefix) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value
        }


class CardsForm(forms.Form):
    count = forms.IntegerField(label=_("How many cards"), min_value=1, max_value=200, initial=20)


class BoardPostForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Your input"),
        max_length=1000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4()


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Code on your card"),
        max_length=20,
        help_text=_("For example: ABCD-EFGH-JKLM"),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
