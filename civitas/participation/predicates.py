"""Permission predicates in layers: role x context x phase. Apps combine them in rules.py."""

import rules
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.roles import holds_role


def _process_of(obj):
    """The process page an object belongs to: itself, or its `process` attribute."""
    if obj is None:
        return None
    if hasattr(obj, "active_phase"):
        return obj
    process = getattr(obj, "process", None)
    if process is not None and not hasattr(process, "active_phase"):
        process = process.specific
    return process


# --- role layer -----------------------------------------------------------------------------


@rules.predicate
def is_verified(user) -> bool:
    """Signed in, active, not deleted, with a verified e-mail address."""
    if not user.is_authenticated or not user.is_active or getattr(user, "deleted_at", None):
        return False
    cached = getattr(user, "_civitas_verified", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._civitas_verified = cached
    return cached


@rules.predicate
def has_accepted_current_terms(user) -> bool:
    from civitas.accounts.predicates import has_accepted_current_terms as accepted

    return accepted(user)


# May contribute: a confirmed e-mail address and consent to the terms in force.
is_participant = is_verified & has_accepted_current_terms
is_resident = is_participant


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or holds_role(user, Role.ADMINISTRATOR))


@rules.predicate
def is_editor(user) -> bool:
    return holds_role(user, Role.EDITOR)


@rules.predicate
def is_taskforce(user) -> bool:
    return holds_role(user, Role.TASKFORCE)


@rules.predicate
def is_site_moderator(user) -> bool:
    return holds_role(user, Role.MODERATOR)


@rules.predicate
def is_moderator_here(user, obj) -> bool:
    """Moderator site-wide, or of the process the object belongs to."""
    if holds_role(user, Role.MODERATOR):
        return True
    process = _process_of(obj)
    return process is not None and holds_role(user, Role.MODERATOR, process)


@rules.predicate
def is_any_moderator(user) -> bool:
    return holds_role(user, Role.MODERATOR, any_scope=True)


@rules.predicate
def is_facilitator_of(user, event) -> bool:
    return event is not None and holds_role(user, Role.FACILITATOR, event)


@rules.predicate
def is_any_facilitator(user) -> bool:
    return holds_role(user, Role.FACILITATOR, any_scope=True)


@rules.predicate
def is_department_member_of(user, department) -> bool:
    return department is not None and holds_role(user, Role.DEPARTMENT_MEMBER, department)


@rules.predicate
def is_any_department_member(user) -> bool:
    return holds_role(user, Role.DEPARTMENT_MEMBER, any_scope=True)


@rules.predicate
def is_author(user, obj) -> bool:
    return user.is_authenticated and obj is not None and getattr(obj, "author_id", None) == user.pk


# --- context layer --------------------------------------------------------------------------


@rules.predicate
def process_is_public(user, obj) -> bool:
    """The object's process page is published and not behind a privacy restriction."""
    process = _process_of(obj)
    if process is None:
        return False
    if not process.live:
        return False
    return not process.get_view_restrictions().exists()


@rules.predicate
def is_visible(user, obj) -> bool:
    return obj is not None and getattr(obj, "hidden_at", None) is None


# --- phase layer ----------------------------------------------------------------------------


def phase_allows(action: str):
    """Predicate factory: the process's phase open now allows `action`."""

    @rules.predicate(name=f"phase_allows_{action}")
    def predicate(user, obj) -> bool:
        process = _process_of(obj)
        return process is not None and process.allows(action, at=timezone.now())

    return predicate


is_staff_member = (
    is_administrator
    | is_editor
    | is_taskforce
    | is_any_moderator
    | is_any_facilitator
    | is_any_department_member
)
