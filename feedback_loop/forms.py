"""Forms of the feedback loop; the services check and change state."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language as site_language

from civitas.core.forms import ListedChoiceField, QuickSelect
from civitas.participation.models import District, Topic

from .models import CaseState, Decision, Department, Priority

DEFAULT_LIMIT = 2000


def other_languages(language: str) -> list[str]:
    """The site's languages (settings.LANGUAGES order) but `language`."""
    return [code for code, _name in settings.LANGUAGES if code != language]


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any")), *CaseState.choices],
        widget=QuickSelect,
    )
    department = ListedChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("Any"),
    )
    topic = ListedChoiceField(
        label=_("Topic"), required=False, queryset=Topic.objects.all(), empty_label=_("Any")
    )
    district = ListedChoiceField(
        label=_("District"), required=False, queryset=District.objects.all(), empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign", _("Assign to a department")),
        ("priority", _("Set priority")),
        ("out_of_scope", _("Mark out of scope")),
    ]
    cases = forms.ModelMultipleChoiceField(label=_("Cases"), queryset=None)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=QuickSelect)
    department = ListedChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.all()
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        choices=[("", "—"), *Priority.choices],
        widget=QuickSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=DEFAULT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when reassigning; public when marking out of scope."),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=DEFAULT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the case moves from one department to another."),
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices)


class OutOfScopeForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"), max_length=DEFAULT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this case not for your department?"),
        max_length=DEFAULT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The taskforce reads this when it assigns the case again."),
    )


class GroupForm(forms.Form):
    others = forms.CharField(
        label=_("Case numbers to group into this one"),
        max_length=500,
        help_text=_("Separate numbers with commas, e.g. 12, 15."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=DEFAULT_LIMIT)

    def clean_others(self):
        raw = self.cleaned_data["others"].replace("#", "")
        try:
            ids = {int(part) for part in raw.replace(" ", ",").split(",") if part.strip()}
        except ValueError as exc:
            raise forms.ValidationError(_("Enter case numbers separated by commas.")) from exc
        if not ids:
            raise forms.ValidationError(_("Enter at least one case number."))
        return ids


class InviteForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department asked to contribute"), queryset=Department.objects.all()
    )


ANSWER_MAX_LENGTH = 10_000


def _answer_text_field(code: str, *, required: bool, label, help_text) -> forms.CharField:
    """A textarea for the public answer in language `code`, marked with its language and
    writing direction so that browsers, spelling checkers and screen readers treat it right."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 6 if required else 4,
                "lang": code,
                "dir": "rtl" if get_language_info(code)["bidi"] else "ltr",
            }
        ),
        help_text=help_text,
    )


def translation_field_name(code: str) -> str:
    return f"public_text_{code}"


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


class AnswerForm(forms.Form):
    """Decision, public answer in the active language (required) and in each other site
    language (optional; readers of a language left empty get the fallback), internal notes.
    `translations()` gives {language: text} of the other languages."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by staff only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = site_language()
        fields = {
            "decision": self.fields.pop("decision"),
            "public_text": _answer_text_field(
                self.language,
                required=True,
                label=_("Public answer (%(language)s)")
                % {"language": _language_name(self.language)},
                help_text=_("Shown to the resident and on the public pages."),
            ),
        }
        for code in other_languages(self.language):
            fields[translation_field_name(code)] = _answer_text_field(
                code,
                required=False,
                label=_("Public answer in %(language)s (optional)")
                % {"language": _language_name(code)},
                help_text=_("Left empty, readers of this language see the answer in another."),
            )
        fields["internal_notes"] = self.fields.pop("internal_notes")
        self.fields = {**fields, **self.fields}

    def translations(self) -> dict:
        return {
            code: self.cleaned_data.get(translation_field_name(code), "")
            for code in other_languages(self.language)
        }


class AnswerTranslationForm(forms.Form):
    """The public answer in each site language but the one it was approved in (`original`),
    for the taskforce once the answer is approved; all optional."""

    def __init__(self, *args, original: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = original
        for code in other_languages(original):
            self.fields[translation_field_name(code)] = _answer_text_field(
                code,
                required=False,
                label=_("Public answer in %(language)s") % {"language": _language_name(code)},
                help_text=_("Left empty, readers of this language see the answer in another."),
            )

    def translations(self) -> dict:
        return {
            code: self.cleaned_data.get(translation_field_name(code), "")
            for code in other_languages(self.original)
        }


class ContributionForm(forms.Form):
    text = forms.CharField(
        label=_("Your department's part of the answer"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AttachmentForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024
    title = forms.CharField(label=_("Title"), max_length=150)
    file = forms.FileField(label=_("File"))
    public = forms.BooleanField(label=_("Public with the answer"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ProposalReviewForm(forms.Form):
    FEASIBILITY = [
        ("feasible", _("Feasible: it can go on the ballot")),
        ("not_feasible", _("Not feasible")),
        ("under_review", _("Still under review")),
    ]
    VALUES = {"feasible": True, "not_feasible": False, "under_review": None}

    item = forms.ModelChoiceField(label=_("Proposal"), queryset=None, empty_label=None)
    feasibility = forms.ChoiceField(
        label=_("Feasibility"), choices=FEASIBILITY, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Public reason"),
        required=False,
        max_length=DEFAULT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the proposal; required when it is not feasible."),
    )
    revised_cost = forms.IntegerField(
        label=_("Revised cost"),
        required=False,
        min_value=1,
        max_value=10**12,
        help_text=_("In whole currency units; leave empty to keep the proposer's estimate."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: item.title or str(item)

    def clean(self):
        data = super().clean()
        if data.get("feasibility") == "not_feasible" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the proposal is not feasible."))
        return data


class TokenForm(forms.Form):
    label = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Which system uses the token, e.g. “Streets case system”."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), empty_label=None
    )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        help_text=_("The code you were given when your input was recorded, e.g. ABCD-EFGH-JKLM."),
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != 12:
            raise forms.ValidationError(_("A receipt code has 12 letters and digits."))
        return "-".join(code[i : i + 4] for i in range(0, 12, 4))


class HowUsedFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=_("Any"),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("Any")), *Decision.choices]
    )
