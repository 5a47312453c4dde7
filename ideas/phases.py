"""Phase types of idea challenges and what each allows."""

from django.utils.translation import gettext_lazy as _

from civitas.participation.phases import PhaseType

PHASE_TYPES = (
    PhaseType("ideas.submit", _("Submit ideas"), {"submit", "edit", "comment", "support"}),
    PhaseType("ideas.support", _("Support ideas"), {"support", "comment"}),
    PhaseType("ideas.review", _("Review"), {"comment"}),
    PhaseType("ideas.result", _("Results"), set()),
)
