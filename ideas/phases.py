"""Phase types of idea challenges, what each allows by default and what editors may add."""

from django.utils.translation import gettext_lazy as _

from civitas.participation.phases import PhaseType

PHASE_TYPES = (
    PhaseType("ideas.submit", _("Submit ideas"), {"submit", "edit", "comment", "support"}),
    PhaseType("ideas.support", _("Support ideas"), {"support", "comment"}, optional={"edit"}),
    PhaseType("ideas.review", _("Review"), {"comment"}, optional={"support"}),
    PhaseType("ideas.result", _("Results"), set(), optional={"comment"}),
)
