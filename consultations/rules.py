"""Who may do what in consultations: role x context x phase. Decided here only.

Objects: the ConsultationPage for page-wide permissions; a Survey, Poll, DraftDocument or Debate
(each has `process`) for the part-level ones.
"""

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.roles import role_set
from civitas.participation.predicates import (
    is_administrator,
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
    """Facilitator named for this consultation."""
    return is_facilitator_of.test(user, _consultation(part))


def _facilitates_event_of(user, page) -> bool:
    """Whether `user` facilitates an object (an event...) whose `process` is `page`.

    Scoped roles name their object by content type, so this needs no import of the app that
    owns events: any facilitator scope with a `process` key pointing at the page counts.
    """
    roles = role_set(user)
    # Answers are kept with the role set they were read from: a reloaded role set drops them.
    kept = user.__dict__.get("_consultations_feeding")
    if kept is None or kept[0] is not roles:
        kept = user.__dict__["_consultations_feeding"] = (roles, {})
    cache = kept[1]
    if page.pk in cache:
        return cache[page.pk]
    by_type: dict[int, set[int]] = {}
    for role, type_id, scope_id in roles:
        if role == Role.FACILITATOR and type_id is not None and scope_id is not None:
            by_type.setdefault(type_id, set()).add(scope_id)
    found = False
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not _has_process_key(model):
            continue
        if model._default_manager.filter(pk__in=ids, process_id=page.pk).exists():
            found = True
            break
    cache[page.pk] = found
    return found


def _has_process_key(model) -> bool:
    try:
        field = model._meta.get_field("process")
    except FieldDoesNotExist:
        return False
    return field.many_to_one


@rules.predicate
def is_facilitator_of_linked_event(user, part) -> bool:
    """Facilitator of an event (or other scope) that feeds this consultation."""
    page = _consultation(part)
    return page is not None and page.pk is not None and _facilitates_event_of(user, page)


# Paper and event input is accepted in any phase, so late-arriving sheets still count.
# Only facilitators of this consultation, or of an event linked to it, type sheets in; a
# facilitator of some other event or consultation may not.
rules.add_perm(
    "consultations.enter_paper",
    is_administrator | is_taskforce | is_facilitator_here | is_facilitator_of_linked_event,
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
