"""Who may do what with cases: role x context (the case's department) x state. Decided here only.

Department members see and work on the cases of their own departments (lead or contributing);
the taskforce and administrators see every case and triage, approve and publish.
"""

import rules

from civitas.accounts.models import Role
from civitas.accounts.roles import scope_ids
from civitas.participation.predicates import (
    is_administrator,
    is_any_department_member,
    is_taskforce,
)


def department_ids(user) -> set[int]:
    """Ids of the departments the person is a member of."""
    from .models import Department

    return scope_ids(user, Role.DEPARTMENT_MEMBER, Department)


@rules.predicate
def is_case_department_member(user, case) -> bool:
    """Member of the case's lead department."""
    return case is not None and case.department_id in department_ids(user)


@rules.predicate
def is_contributing_department_member(user, case) -> bool:
    """Member of a department asked to contribute to the case's answer."""
    if case is None:
        return False
    ids = department_ids(user)
    if not ids:
        return False
    contributing = getattr(case, "_contributing_ids", None)
    if contributing is None:
        contributing = set(case.contributing_departments.values_list("pk", flat=True))
        case._contributing_ids = contributing
    return bool(ids & contributing)


@rules.predicate
def is_member_of_department(user, department) -> bool:
    return department is not None and department.pk in department_ids(user)


@rules.predicate
def is_open_for_answer(user, case) -> bool:
    from .models import CaseState

    return case is not None and case.state in (
        CaseState.ROUTED,
        CaseState.ASSIGNED,
        CaseState.DRAFTED,
    )


@rules.predicate
def has_approved_answer(user, case) -> bool:
    """The answer is approved, published, or the case closed out of scope with a reason."""
    from .models import CaseState

    return case is not None and case.state in (
        CaseState.APPROVED,
        CaseState.PUBLISHED,
        CaseState.OUT_OF_SCOPE,
    )


@rules.predicate
def approval_not_required(user, case) -> bool:
    from .selectors import settings_for_process

    return case is not None and not settings_for_process(case.process_id).approval_required


@rules.predicate
def has_reviewable_input(user, case) -> bool:
    """The case answers an input whose owning app takes a review (a budget proposal)."""
    from .sources import reviewable_sources

    if case is None:
        return False
    found = getattr(case, "_reviewable", None)
    if found is None:
        keys = reviewable_sources()
        found = case.source in keys or case.inputs.filter(source__in=keys).exists()
        case._reviewable = found
    return found


is_case_manager = is_administrator | is_taskforce

# No object: the staff area of the feedback loop.
rules.add_perm("feedback_loop.view_inbox", is_case_manager | is_any_department_member)
rules.add_perm("feedback_loop.manage_cases", is_case_manager)
# Object: the Case.
rules.add_perm(
    "feedback_loop.view_case",
    is_case_manager | is_case_department_member | is_contributing_department_member,
)
rules.add_perm("feedback_loop.triage_case", is_case_manager)
rules.add_perm(
    "feedback_loop.draft_answer",
    is_open_for_answer & (is_case_manager | is_case_department_member),
)
# The department answering a budget proposal's case records its feasibility and cost.
rules.add_perm(
    "feedback_loop.review_proposal",
    is_open_for_answer & (is_case_manager | is_case_department_member) & has_reviewable_input,
)
# The lead department sends a case that is not its own back to triage, until the answer is
# approved.
rules.add_perm("feedback_loop.return_case", is_open_for_answer & is_case_department_member)
rules.add_perm(
    "feedback_loop.contribute_answer",
    is_open_for_answer & is_contributing_department_member,
)
rules.add_perm("feedback_loop.approve_answer", is_case_manager)
# Translating an approved answer needs no second approval, so only those who approve may.
rules.add_perm("feedback_loop.translate_answer", is_case_manager & has_approved_answer)
rules.add_perm(
    "feedback_loop.publish_answer",
    is_case_manager | (is_case_department_member & approval_not_required),
)
# No object: API tokens of departments' own case systems.
rules.add_perm("feedback_loop.manage_tokens", is_case_manager)
# Object: the Department.
rules.add_perm("feedback_loop.view_department", is_case_manager | is_member_of_department)
