"""Phase types of budgeting rounds and what each allows; editors may leave any of them out."""

from django.utils.translation import gettext_lazy as _

from civitas.participation.phases import PhaseType

PHASE_TYPES = (
    PhaseType(
        "budgeting.propose", _("Proposal submission"), {"propose", "edit", "comment", "follow"}
    ),
    PhaseType("budgeting.review", _("Review"), {"review", "comment", "follow"}),
    PhaseType("budgeting.vote", _("Voting"), {"vote", "paper", "comment", "follow"}),
    PhaseType("budgeting.results", _("Results"), {"paper_close", "comment", "follow"}),
    PhaseType("budgeting.implementation", _("Implementation"), {"implement", "comment", "follow"}),
)
