"""Who may do what in consultations: role x context x phase. Decided here only.

Objects: the ConsultationPage for page-wide permissions; a Survey, Poll, DraftDocument or Debate
(each has `process`) for the part-level ones.
"""

import rules
from django.utils import timezone

from civitas.participation.predicates import (
    is_administrator,
    is_any_facilitator,
    is_editor,
    is_facilitator_of,
    is_moderator_here,
    is_participant,
    is_taskforce,
    phase_allows,
    process_is_public,
)


def _consultation(obj):
    return getattr(obj, "consultation", obj)


@rules.predicate
def anonymous_allowed(user, survey) -> bool:
    return getattr(survey, "allows_anonymous", False)


@rules.predicate
def results_are_public(user, part) -> bool:
    """The report is published, or the survey shows its results while open."""
    page = _consultation(part)
    if page.report_is_published(at=timezone.now()):
        return True
    return bool(getattr(part, "results_while_open", False)) and page.allows("respond")


is_analyst = is_administrator | is_taskforce | is_editor | is_moderator_here

rules.add_perm(
    "consultations.respond",
    process_is_public & phase_allows("respond") & (is_participant | anonymous_allowed),
)


@rules.predicate
def is_facilitator_here(user, part) -> bool:
    return is_facilitator_of.test(user, _consultation(part))


# Paper and event input is accepted in any phase, so late-arriving sheets still count.
# Facilitators of events type in what their events collected, for any consultation.
rules.add_perm(
    "consultations.enter_paper",
    is_administrator | is_taskforce | is_facilitator_here | is_any_facilitator,
)
rules.add_perm("consultations.view_results", is_analyst | (process_is_public & results_are_public))
rules.add_perm("consultations.analyse", is_analyst)
rules.add_perm("consultations.export", is_administrator | is_taskforce | is_editor)
rules.add_perm("consultations.vote_poll", is_participant & process_is_public & phase_allows("vote"))
rules.add_perm(
    "consultations.comment_paragraph", is_participant & process_is_public & phase_allows("comment")
)
rules.add_perm(
    "consultations.add_argument", is_participant & process_is_public & phase_allows("argue")
)
rules.add_perm("consultations.view_report", is_analyst | (process_is_public & results_are_public))
