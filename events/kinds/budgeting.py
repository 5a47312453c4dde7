"""Event input kinds for budgeting: "proposal" (a budget proposal from a workshop, through
budgeting.services.proposal_submit into a chosen round) and "paper ballot" (a ballot sheet,
through budgeting.services.paper_ballot_enter)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budgeting.models import BallotType, BudgetRoundPage, Proposal
from budgeting.services import paper_ballot_enter, proposal_submit
from budgeting.views import selection_from
from civitas.core.errors import NotAllowed

from ..input_kinds import InputKind, as_post, chooser
from .ideas import PageField


def fields(params) -> dict:
    return {
        "round": PageField(
            label=_("Budget round"),
            queryset=BudgetRoundPage.objects.live().order_by("title"),
            empty_label=None,
        ),
        "estimated_cost": forms.IntegerField(
            label=_("Estimated cost"), min_value=1, help_text=_("A rough figure is enough.")
        ),
    }


def handle(*, data, text, title, language, provenance):
    """Submit the proposal as offline input of the event; one key never makes two proposals."""
    proposal, _created = proposal_submit(
        round=data["round"],
        author=None,
        data={"title": title, "description": text, "estimated_cost": data["estimated_cost"]},
        **provenance,
    )
    return proposal


def url(proposal) -> str:
    return f"{proposal.process.url}proposals/{proposal.pk}/"


KIND = InputKind("proposal", _("Budget proposal"), fields, handle, needs_title=True, url=url)


# --- a paper ballot ---------------------------------------------------------------------------
#
# Only the ballot sheet is typed here; marking the voter roll is budgeting's own separate step,
# so nothing stored by events links a person to a ballot. The event's record names the round
# (not the entry): no sheet number, no choices.


def _rounds():
    return BudgetRoundPage.objects.live().order_by("title")


def ballot_fields(params) -> dict:
    round_page, field = chooser(params, "round", PageField, _rounds(), label=_("Budget round"))
    found = {
        "round": field,
        "sheet": forms.CharField(
            label=_("Sheet number"),
            max_length=40,
            help_text=_("The number printed on the ballot sheet."),
        ),
    }
    if round_page is None:
        return found
    rows = round_page.budget_rows()
    if rows:
        found["district"] = forms.TypedChoiceField(
            label=_("District of this ballot"),
            choices=[("", _("City-wide projects only"))]
            + [(str(row.district_id), row.district.name) for row in rows],
            coerce=int,
            empty_value=None,
            required=False,
        )
    options = list(
        Proposal.objects.on_ballot(round_page)
        .select_related("district")
        .only("pk", "title", "district__name")
        .order_by("district__name", "title", "pk")
    )

    def label(proposal):
        if proposal.district is None:
            return proposal.title
        return f"{proposal.title} ({proposal.district.name})"

    if round_page.ballot_type in (BallotType.APPROVAL, BallotType.KNAPSACK):
        found["project"] = forms.TypedMultipleChoiceField(
            label=_("Projects ticked on the sheet"),
            choices=[(str(p.pk), label(p)) for p in options],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        return found
    prefix, text = (
        ("points", _("Points for “%(project)s”"))
        if round_page.ballot_type == BallotType.CUMULATIVE
        else ("rank", _("Rank of “%(project)s”"))
    )
    for proposal in options:
        found[f"{prefix}_{proposal.pk}"] = forms.IntegerField(
            label=text % {"project": label(proposal)}, required=False, min_value=0
        )
    return found


def ballot_handle(*, data, text, title, language, provenance):
    """Type the sheet in through budgeting's paper-ballot service; returns the round, which
    counts the ballot (once both entries agree where the round asks for double entry)."""
    round_page = data["round"]
    by = provenance["entered_by"]
    if not by.has_perm("budgeting.enter_paper", round_page):
        raise NotAllowed(_("You may not enter paper ballots for this round."), code="kind")
    entry = paper_ballot_enter(
        round=round_page,
        by=by,
        sheet=data["sheet"],
        district_id=data.get("district"),
        # The fields carry budgeting's own form names, so its reader makes the selection.
        selection=selection_from(as_post(data), round_page),
    )
    data["status"] = entry.get_status_display()
    return round_page


def ballot_describe(data) -> str:
    return gettext("Paper ballot for %(round)s: %(status)s") % {
        "round": data["round"].title,
        "status": data.get("status", ""),
    }


BALLOT_KIND = InputKind(
    "paper_ballot",
    _("Paper ballot"),
    ballot_fields,
    ballot_handle,
    describe=ballot_describe,
    on_board=False,
    secret=True,
    chooser="round",
)
