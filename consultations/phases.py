"""Phase types of consultations and what each allows."""

from django.utils.translation import gettext_lazy as _

from civitas.participation.phases import PhaseType

PHASE_TYPES = (
    PhaseType(
        "consultations.open",
        _("Open for input"),
        {"respond", "vote", "comment", "support", "argue"},
    ),
    PhaseType("consultations.closed", _("Closed, input being analysed"), set()),
    PhaseType("consultations.report", _("Report published"), {"report"}),
)
