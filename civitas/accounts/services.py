"""State changes of accounts: roles, consent, profile, account deletion."""

import logging

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError

from . import signals
from .models import SCOPED_ROLES, SITE_WIDE_ROLES, Role, RoleAssignment, TermsConsent, User
from .roles import forget_roles

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"
STAFF_GROUP = "Civitas staff"


def staff_group() -> Group:
    """The group that lets staff roles reach the Wagtail admin's work lists."""
    group, created = Group.objects.get_or_create(name=STAFF_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def sync_staff_access(user: User) -> None:
    """Derive admin access (groups, is_staff, is_superuser) from the user's role assignments."""
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    editors = Group.objects.filter(name=EDITORS_GROUP).first()
    staff = staff_group()
    if editors is not None:
        if Role.EDITOR in roles:
            user.groups.add(editors)
        else:
            user.groups.remove(editors)
    if roles - {Role.RESIDENT, Role.EDITOR, Role.ADMINISTRATOR}:
        user.groups.add(staff)
    else:
        user.groups.remove(staff)
    is_admin = Role.ADMINISTRATOR in roles
    user.is_superuser = is_admin
    user.is_staff = is_admin
    user.save(update_fields=["is_superuser", "is_staff"])
    forget_roles(user)


def _validate_scope(role: Role, scope) -> None:
    if role in SCOPED_ROLES and scope is None:
        raise DomainError(_("This role is held for one event or department: choose which."))
    if role in SITE_WIDE_ROLES and scope is not None:
        raise DomainError(_("This role is site-wide and cannot be limited to one object."))


def role_assign(*, user: User, role: Role | str, scope=None, by: User | None, note: str = ""):
    """Give `user` the `role` (site-wide or for `scope`); idempotent; returns the assignment."""
    role = Role(role)
    _validate_scope(role, scope)
    scope_type = (
        ContentType.objects.get_for_model(scope, for_concrete_model=False) if scope else None
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = RoleAssignment.objects.create(
                    user=user,
                    role=role,
                    scope_type=scope_type,
                    scope_id=scope.pk if scope else None,
                    granted_by=by,
                    note=note,
                )
        except IntegrityError:
            return RoleAssignment.objects.get(
                user=user, role=role, scope_type=scope_type, scope_id=scope.pk if scope else None
            )
        sync_staff_access(user)
        log(
            instance=assignment,
            action="accounts.role.assigned",
            user=by,
            data={"role": role.value, "user": user.pk, "scope": str(scope) if scope else None},
        )
        signals.role_assigned.send_on_commit(sender=RoleAssignment, assignment=assignment)
    return assignment


def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    """Take a role away and recompute the user's admin access."""
    with transaction.atomic():
        user = assignment.user
        log(
            instance=assignment,
            action="accounts.role.revoked",
            user=by,
            data={"role": assignment.role, "user": user.pk},
        )
        assignment.delete()
        sync_staff_access(user)


def terms_accept(*, user: User, version: str | None = None) -> TermsConsent:
    """Record that the user accepted a version of the terms (the current one by default)."""
    version = version or settings.CIVITAS_TERMS_VERSION
    consent, _created = TermsConsent.objects.get_or_create(user=user, version=version)
    return consent


def has_current_consent(user: User) -> bool:
    return TermsConsent.objects.filter(user=user, version=settings.CIVITAS_TERMS_VERSION).exists()


def profile_update(*, user: User, data: dict) -> User:
    """Change the profile fields a person may edit themselves."""
    allowed = {"display_name", "preferred_language", "district"}
    unknown = set(data) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    for field, value in data.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password", "email"])
    with transaction.atomic():
        user.save(update_fields=list(data))
        log(instance=user, action="accounts.profile.updated", user=user)
    return user


def account_delete(*, user: User) -> None:
    """Erase personal data, keep contributions as from a deleted user, end every session.

    The row stays (anonymised) so that unique constraints such as one support per person keep
    holding and contributions keep their author link without naming anyone.
    """
    if user.deleted_at:
        raise Conflict(_("This account has already been deleted."))
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    with transaction.atomic():
        user_pk = user.pk
        # Apps scrub what they hold (free-text personal fields, registrations...) first.
        signals.account_deleting.send(sender=User, user=user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        session_keys = list(
            UserSession.objects.filter(user=user).values_list("session_key", flat=True)
        )
        UserSession.objects.filter(user=user).delete()
        Session.objects.filter(session_key__in=session_keys).delete()
        RoleAssignment.objects.filter(user=user).delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.email = f"deleted-{user_pk}@deleted.invalid"
        user.display_name = ""
        user.preferred_language = ""
        user.district = None
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        # A new password hash changes the session auth hash, ending sessions we did not track.
        user.set_unusable_password()
        user.deleted_at = timezone.now()
        user.save()
        log(instance=user, action="accounts.account.deleted", user=None, data={"user": user_pk})
        signals.account_deleted.send_on_commit(sender=User, user_id=user_pk)
