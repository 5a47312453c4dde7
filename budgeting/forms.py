"""Forms of the budgeting app; the services do the final checks."""

import csv
import datetime as dt
import io
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from civitas.core.text import validate_clean_text
from civitas.participation.models import District

from .counting import RULES
from .models import Category, ImplementationStatus, Milestone, Proposal, ProposalStatus

MAX_UPLOAD_ROWS = 2_000_000


class ProposalFilterForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.none(), label=_("District"), required=False)
    category = forms.ModelChoiceField(Category.objects.none(), label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *ProposalStatus.choices], required=False
    )

    def __init__(self, *args, round_page, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            pk__in=round_page.district_budgets.values("district")
        )
        self.fields["category"].queryset = Category.objects.filter(page=round_page)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, validators=[validate_clean_text])
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        validators=[validate_clean_text],
        widget=forms.Textarea,
        help_text=_("What should be done, where, and who would benefit."),
    )
    estimated_cost = forms.IntegerField(
        label=_("Estimated cost"),
        min_value=1,
        max_value=10**12,
        help_text=_("In whole currency units; the department checks it."),
    )
    district = forms.ModelChoiceField(
        District.objects.none(),
        label=_("District"),
        required=False,
        empty_label=_("City-wide"),
    )
    category = forms.ModelChoiceField(Category.objects.none(), label=_("Category"), required=False)
    location_text = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        validators=[validate_clean_text],
        help_text=_("An address or a description of the place, if there is one."),
    )
    # Set by the map picker (JavaScript); without it people describe the place in words.
    # Checked by the service (numbers, inside the city), which names the problem in words.
    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    image = forms.ImageField(label=_("Photo or sketch"), required=False)
    # Carried in the form so a resubmitted form never creates a second proposal.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, round_page, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            pk__in=round_page.district_budgets.values("district")
        )
        if not round_page.total_budget:
            self.fields["district"].required = True
            self.fields["district"].empty_label = None
        self.fields["category"].queryset = Category.objects.filter(page=round_page)
        if not self.fields["category"].queryset.exists():
            del self.fields["category"]
        if not self.fields["district"].queryset.exists() and round_page.total_budget:
            del self.fields["district"]


DECISIONS = [
    ("under_review", _("Under review")),
    ("feasible", _("Feasible: put it on the ballot")),
    ("not_feasible", _("Not feasible")),
    ("merge", _("Merge into another proposal")),
]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=5000,
        required=False,
        validators=[validate_clean_text],
        widget=forms.Textarea,
        help_text=_("Shown on the proposal's page; required when it is not feasible."),
    )
    revised_cost = forms.IntegerField(
        label=_("Revised cost"), min_value=1, max_value=10**12, required=False
    )
    department_name = forms.CharField(
        label=_("Department"), max_length=120, required=False, validators=[validate_clean_text]
    )
    merge_into = forms.ModelChoiceField(
        Proposal.objects.none(), label=_("Merge into"), required=False
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].queryset = (
            Proposal.objects.filter(process_id=proposal.process_id)
            .exclude(pk=proposal.pk)
            .exclude(status=ProposalStatus.MERGED)
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "merge" and not data.get("merge_into"):
            self.add_error("merge_into", _("Choose the proposal to merge into."))
        return data


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices[1:])
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    department_name = forms.CharField(
        label=_("Department"), max_length=120, required=False, validators=[validate_clean_text]
    )
    text = forms.CharField(
        label=_("News for followers"),
        max_length=5000,
        required=False,
        validators=[validate_clean_text],
        widget=forms.Textarea,
    )
    image = forms.ImageField(label=_("Photo"), required=False)
    milestone = forms.CharField(
        label=_("New milestone"), max_length=150, required=False, validators=[validate_clean_text]
    )
    milestone_due = forms.DateField(
        label=_("Milestone due on"),
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    milestones_done = forms.ModelMultipleChoiceField(
        Milestone.objects.none(),
        label=_("Milestones reached"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones_done"].queryset = Milestone.objects.filter(
            proposal=proposal, done_on__isnull=True
        )
        if not self.fields["milestones_done"].queryset.exists():
            del self.fields["milestones_done"]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        help_text=_("The code shown when you voted, e.g. ABCD-EFGH-JKLM."),
    )


ACTIONS = [
    ("close", _("Close voting now")),
    ("count", _("Count the ballots")),
    ("publish", _("Publish the latest count")),
    ("codes", _("Generate voting codes")),
    ("residents", _("Upload the list of eligible residents")),
    ("check", _("Record an in-person check")),
]


class ManageForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    rule = forms.ChoiceField(label=_("Counting rule"), choices=[], required=False)
    count = forms.IntegerField(
        label=_("Number of codes"), min_value=1, max_value=1_000_000, required=False
    )
    residents_file = forms.FileField(
        label=_("Residents (CSV: identifier, district slug, date of birth)"), required=False
    )
    person = forms.EmailField(label=_("E-mail address of the person checked"), required=False)

    def __init__(self, *args, round_page, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_page = round_page
        self.fields["rule"].choices = [(rule, rule) for rule in RULES]
        self.fields["rule"].initial = round_page.counting_rule

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "codes" and not data.get("count"):
            self.add_error("count", _("How many codes?"))
        if action == "residents":
            data["residents"] = self._residents(data.get("residents_file"))
        if action == "check":
            user = get_user_model().objects.filter(email__iexact=data.get("person") or "").first()
            if user is None:
                self.add_error("person", _("No account has this e-mail address."))
            data["person"] = user
        return data

    def _residents(self, upload):
        if upload is None:
            self.add_error("residents_file", _("Choose a CSV file."))
            return []
        districts = {row.district.slug: row.district_id for row in self.round_page.budget_rows()}
        try:
            text = io.TextIOWrapper(upload, encoding="utf-8-sig")
            rows = []
            for number, row in enumerate(csv.reader(text), start=1):
                if not row or not row[0].strip():
                    continue
                if number > MAX_UPLOAD_ROWS:
                    raise ValueError(_("The file has too many rows."))
                slug = row[1].strip() if len(row) > 1 else ""
                if slug and slug not in districts:
                    raise ValueError(_("Row %(n)s: unknown district.") % {"n": number})
                born = row[2].strip() if len(row) > 2 else ""
                rows.append(
                    (row[0], districts.get(slug), dt.date.fromisoformat(born) if born else None)
                )
            return rows
        except UnicodeDecodeError:
            self.add_error("residents_file", _("The file must be UTF-8 text."))
        except ValueError as exc:
            self.add_error("residents_file", str(exc))
        return []
