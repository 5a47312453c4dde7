"""Forms of the ideas app; services do the final checks."""

import uuid

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, get_language

from civitas.core.forms import ListedChoiceField, QuickSelect
from civitas.core.text import validate_clean_text
from civitas.participation.models import District, Topic

from .models import IdeaChallengePage, IdeaStatus

SORTS = [
    ("newest", _("Newest")),
    ("supported", _("Most supported")),
    ("discussed", _("Most discussed")),
    ("random", _("Random")),
]


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    topic = ListedChoiceField(Topic.objects.all(), label=_("Topic"), required=False)
    district = ListedChoiceField(District.objects.all(), label=_("District"), required=False)
    # Every status, retired ones too: ideas may still have them. Given by code (?status=accepted).
    status = ListedChoiceField(
        IdeaStatus.objects.all(),
        label=_("Status"),
        to_field_name="code",
        empty_label=_("Any"),
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False, widget=QuickSelect)
    # List or map: kept when the filters are applied again.
    view = forms.ChoiceField(
        choices=[("list", _("List")), ("map", _("Map"))], required=False, widget=forms.HiddenInput
    )


class CityIdeaFilterForm(IdeaFilterForm):
    challenge = ListedChoiceField(
        IdeaChallengePage.objects.live().order_by("title"), label=_("Challenge"), required=False
    )

    field_order = ["q", "challenge", "topic", "district", "status", "sort"]


class IdeaTextForm(forms.Form):
    """The words of an idea, as its author or a moderator writes them."""

    title = forms.CharField(label=_("Title"), max_length=150, validators=[validate_clean_text])
    body = forms.CharField(
        label=_("Description"),
        max_length=5000,
        validators=[validate_clean_text],
        widget=forms.Textarea,
    )
    location_text = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        validators=[validate_clean_text],
        help_text=_("An address or a description of the place, if there is one."),
    )


class IdeaForm(IdeaTextForm):
    topic = forms.ModelChoiceField(Topic.objects.all(), label=_("Topic"), required=False)
    district = forms.ModelChoiceField(District.objects.all(), label=_("District"), required=False)
    # Set by the map picker (JavaScript); without it people describe the place in words.
    # Checked by the service (numbers, inside the city), which names the problem in words.
    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # Carried through the confirmation step so a resubmitted form never creates a second idea.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    field_order = ["title", "body", "topic", "district", "location_text"]


class IdeaImageForm(forms.Form):
    """An optional image of an idea; the service checks and cleans the file."""

    image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        help_text=_(
            "A JPEG, PNG or WebP image of at most 8 MB. Its location and camera details are "
            "removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_alt = forms.CharField(
        label=_("What the image shows"),
        max_length=200,
        required=False,
        validators=[validate_clean_text],
        help_text=_("For people who cannot see it; without it the title is used."),
    )


class IdeaImageEditForm(IdeaImageForm):
    image_remove = forms.BooleanField(label=_("Remove the current image"), required=False)


def answer_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        max_length=10_000,
        required=False,
        validators=[validate_clean_text],
        widget=forms.Textarea,
        **kwargs,
    )


class IdeaStatusForm(forms.Form):
    """The status and the official answer: first in the active language (the answer people
    are told about), then optionally in each other site language, as translations."""

    status = forms.ModelChoiceField(
        IdeaStatus.objects.none(), label=_("Status"), to_field_name="code", empty_label=None
    )
    answer = answer_field(
        label=_("Official answer"),
        help_text=_(
            "Shown on the idea's page, in the language you are using now; people who follow "
            "the idea are told when it is first given or changed."
        ),
    )

    def __init__(self, *args, current: str = "", idea=None, **kwargs):
        """The active statuses, and `current` (the idea's own) even when it was retired; the
        answer in each language as `idea` stores it (no language standing in for another)."""
        super().__init__(*args, **kwargs)
        statuses = IdeaStatus.objects.filter(Q(active=True) | Q(code=current))
        self.fields["status"].queryset = statuses
        self.answer_language = get_language()
        self.fields["answer"].widget.attrs.update(text_direction(self.answer_language))
        for code, name in settings.LANGUAGES:
            if code == self.answer_language:
                continue
            self.fields[f"answer_{code}"] = answer_field(
                label=_("Official answer in %(language)s") % {"language": name},
                help_text=_("Optional translation; adding one does not notify anyone."),
            )
            self.fields[f"answer_{code}"].widget.attrs.update(text_direction(code))
        if idea is not None:
            self.initial["answer"] = stored_answer(idea, self.answer_language)
            for code in self.translation_languages():
                self.initial[f"answer_{code}"] = stored_answer(idea, code)

    def translation_languages(self) -> list[str]:
        return [code for code, _name in settings.LANGUAGES if code != self.answer_language]

    def answer_translations(self) -> dict[str, str]:
        """The answer in the other site languages, {language code: text}, from valid data."""
        return {code: self.cleaned_data[f"answer_{code}"] for code in self.translation_languages()}


def stored_answer(idea, language: str) -> str:
    """The official answer as written in `language`, without another language's fallback."""
    return getattr(idea, build_localized_fieldname("official_answer", language)) or ""


def text_direction(language: str) -> dict:
    """The lang and dir attributes of a field holding text in `language`."""
    return {"lang": language, "dir": "rtl" if get_language_info(language)["bidi"] else "ltr"}


class ModerationReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        super().__init__(max_length=300, validators=[validate_clean_text], **kwargs)


class IdeaHideForm(forms.Form):
    reason = ModerationReasonField(help_text=_("The author will see it."))


class IdeaImageRemoveForm(forms.Form):
    reason = ModerationReasonField(help_text=_("Kept for staff with the change."))


class IdeaRedactForm(IdeaTextForm):
    reason = ModerationReasonField(
        help_text=_("Kept with the previous text, which only staff can see.")
    )


class IdeaMergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the idea to keep"),
        min_value=1,
        help_text=_("The number shown as “No.” on the kept idea's page, in the same challenge."),
    )
