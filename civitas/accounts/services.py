"""State changes of accounts: roles, consent, profile, account deletion."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from civitas.core.errors import Conflict, DomainError
from civitas.core.privacy import export_personal_data
from civitas.core.text import normalise_text

from . import signals
from .models import SCOPED_ROLES, SITE_WIDE_ROLES, Role, RoleAssignment, TermsConsent, User
from .predicates import forget_consent
from .roles import forget_roles

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


def _other_administrators_exist(user: User) -> bool:
    """Whether someone else administers the site; locks those rows so that two administrators
    removing each other at the same moment cannot both succeed."""
    others = list(
        RoleAssignment.objects.select_for_update(of=("self",))
        .filter(role=Role.ADMINISTRATOR, user__is_active=True)
        .exclude(user=user)
        .values_list("pk", flat=True)
    )
    return bool(others) or (
        User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    )


def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    """Take a role away and recompute the user's admin access; the last administrator stays."""
    with transaction.atomic():
        user = assignment.user
        if assignment.role == Role.ADMINISTRATOR and not _other_administrators_exist(user):
            raise Conflict(_("The last administrator cannot lose the role. Appoint another first."))
        log(
            instance=assignment,
            action="accounts.role.revoked",
            user=by,
            data={"role": assignment.role, "user": user.pk},
        )
        assignment.delete()
        sync_staff_access(user)


def terms_accept(*, user: User, version: str | None = None) -> TermsConsent:
    """Record that the user accepted a version of the terms (the current one by default).

    Idempotent: accepting a version twice keeps the first time of acceptance.
    """
    version = version or settings.CIVITAS_TERMS_VERSION
    if user.deleted_at:
        raise Conflict(_("This account has been deleted."))
    with transaction.atomic():
        consent, created = TermsConsent.objects.get_or_create(user=user, version=version)
        if created:
            log(
                instance=user,
                action="accounts.terms.accepted",
                user=user,
                data={"version": version},
            )
    forget_consent(user)
    return consent


PROFILE_FIELDS = ("display_name", "preferred_language", "district")


def profile_update(*, user: User, data: dict) -> User:
    """Change the profile fields a person may edit themselves; ValidationError on bad input.

    The user object is only changed when every value is valid, so a rejected edit never
    shows up on the page that reports the error.
    """
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if user.deleted_at:
        raise Conflict(_("This account has been deleted."))
    data = dict(data)
    if isinstance(data.get("display_name"), str):
        data["display_name"] = normalise_text(data["display_name"])
    candidate = User.objects.get(pk=user.pk)
    for field, value in data.items():
        setattr(candidate, field, value)
    candidate.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in data])
    changed = [field for field in data if getattr(user, field) != getattr(candidate, field)]
    for field in data:
        setattr(user, field, getattr(candidate, field))
    if not changed:
        return user
    with transaction.atomic():
        user.save(update_fields=changed)
        log(instance=user, action="accounts.profile.updated", user=user, data={"fields": changed})
    return user


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about the person, as JSON-ready data; the export is logged."""
    if user.deleted_at:
        raise Conflict(_("This account has been deleted."))
    data = export_personal_data(user)
    log(instance=user, action="accounts.data.exported", user=user)
    return data


def account_delete(*, user: User, by: User | None = None) -> None:
    """Erase personal data, keep contributions as from a deleted user, end every session.

    The row stays (anonymised) so that unique constraints such as one support per person keep
    holding and contributions keep their author link without naming anyone. `by` is the
    administrator who deleted the account, None when people delete their own.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from wagtail.models import ModelLogEntry

    with transaction.atomic():
        # The row lock makes a second, concurrent deletion wait and then see the first.
        locked = User.objects.select_for_update().only("deleted_at").get(pk=user.pk)
        if locked.deleted_at:
            raise Conflict(_("This account has already been deleted."))
        is_admin = (
            user.is_superuser
            or RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
        )
        if is_admin and not _other_administrators_exist(user):
            raise Conflict(
                _("The last administrator cannot delete the account. Appoint another first.")
            )
        user_pk = user.pk
        # Apps scrub what they hold (free-text personal fields, registrations...) first.
        signals.account_deleting.send(sender=User, user=user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        TermsConsent.objects.filter(user=user).delete()
        for session in UserSession.objects.filter(user=user):
            session.end()
        RoleAssignment.objects.filter(user=user).delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.email = f"deleted-{user_pk}@deleted.invalid"
        user.display_name = ""
        user.preferred_language = ""
        user.district = None
        user.last_login = None
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        # A new password hash changes the session auth hash, ending sessions we did not track.
        user.set_unusable_password()
        user.deleted_at = timezone.now()
        user.save()
        forget_roles(user)
        # Audit entries about the account keep what happened, not the name it had.
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user_pk)
        ).update(label=user.public_name)
        log(instance=user, action="accounts.account.deleted", user=by, data={"user": user_pk})
        signals.account_deleted.send_on_commit(sender=User, user_id=user_pk)
