"""Event input kind "proposal": a budget proposal from a workshop, through
budgeting.services.proposal_submit into a chosen round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgeting.models import BudgetRoundPage
from budgeting.services import proposal_submit

from ..input_kinds import InputKind
from .ideas import PageField


def fields() -> dict:
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
