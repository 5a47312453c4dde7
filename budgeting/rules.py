"""Who may do what in budgeting rounds: role x context x phase. Decided here only."""

import rules

from civitas.accounts.models import Role
from civitas.accounts.roles import holds_role
from civitas.participation.predicates import (
    _process_of,
    is_administrator,
    is_any_department_member,
    is_author,
    is_editor,
    is_moderator_here,
    is_participant,
    is_taskforce,
    phase_allows,
    process_is_public,
)


@rules.predicate
def is_facilitator_here(user, obj) -> bool:
    """Facilitator for this round (or site-wide administrator of facilitators' work)."""
    process = _process_of(obj)
    return process is not None and holds_role(user, Role.FACILITATOR, process)


@rules.predicate
def is_department_member_here(user, obj) -> bool:
    """Department member for this round, or of any department (departments are matched to
    proposals by name until the department registry links them)."""
    process = _process_of(obj)
    if process is not None and holds_role(user, Role.DEPARTMENT_MEMBER, process):
        return True
    return is_any_department_member(user)


@rules.predicate
def votes_with_code(user, round_page) -> bool:
    """The round admits whoever holds a mailed single-use voting code, with or without an
    account (the code is checked by the service)."""
    from .models import Verification

    return getattr(round_page, "verification", None) == Verification.CODE


@rules.predicate
def is_funded(user, proposal) -> bool:
    return bool(getattr(proposal, "funded", False))


is_round_staff = is_administrator | is_editor | is_taskforce | is_moderator_here

# Object: the BudgetRoundPage.
rules.add_perm("budgeting.propose", is_participant & process_is_public & phase_allows("propose"))
rules.add_perm(
    "budgeting.vote",
    (is_participant | votes_with_code) & process_is_public & phase_allows("vote"),
)
rules.add_perm(
    "budgeting.enter_paper",
    (is_facilitator_here | is_round_staff)
    & process_is_public
    & (phase_allows("vote") | phase_allows("paper_close")),
)
rules.add_perm("budgeting.manage_round", is_round_staff)
# Object: the Proposal.
rules.add_perm(
    "budgeting.edit_proposal",
    is_participant & is_author & process_is_public & phase_allows("edit"),
)
rules.add_perm(
    "budgeting.review_proposal",
    (is_round_staff | is_department_member_here) & process_is_public,
)
rules.add_perm(
    "budgeting.update_implementation",
    (is_round_staff | is_department_member_here) & is_funded,
)
