"""People: the custom user, their roles, and their consent to the terms."""

import rules
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from civitas.core.text import validate_clean_text


class UserManager(BaseUserManager):
    """Users are identified by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """A superuser holds the administrator role, from which admin access is derived."""
        from .services import role_assign

        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        role_assign(user=user, role=Role.ADMINISTRATOR, by=None, note="createsuperuser")
        return user


class User(AbstractUser):
    """A person with an account. Deleted accounts stay as anonymous rows so contributions remain."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Shown next to what you contribute. Leave empty to appear as 'Resident'."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    district = models.ForeignKey(
        "participation.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown publicly: never the e-mail address."""
        if self.deleted_at:
            return str(_("Deleted user"))
        return self.display_name or str(_("Resident"))

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def has_perm(self, perm, obj=None):
        """Civitas permissions are decided by their rules alone, superusers included, so that
        phase and context checks (e.g. voting closed) hold for everyone."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    TASKFORCE = "taskforce", _("Taskforce member")
    DEPARTMENT_MEMBER = "department_member", _("Department member")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that only make sense for one object (an event, a department), or for none.
SCOPED_ROLES = (Role.FACILITATOR, Role.DEPARTMENT_MEMBER)
SITE_WIDE_ROLES = (Role.RESIDENT, Role.TASKFORCE, Role.EDITOR, Role.ADMINISTRATOR)
STAFF_ROLES = (
    Role.FACILITATOR,
    Role.MODERATOR,
    Role.TASKFORCE,
    Role.DEPARTMENT_MEMBER,
    Role.EDITOR,
    Role.ADMINISTRATOR,
)


class RoleAssignmentQuerySet(models.QuerySet):
    def for_scope(self, obj):
        """Assignments scoped to this object (an event, a department, a process page)."""
        return self.filter(
            scope_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            scope_id=obj.pk,
        )

    def site_wide(self):
        return self.filter(scope_type__isnull=True)


class RoleAssignment(models.Model):
    """A user holds a role, site-wide or for one object (event, department, process).

    The scope is a generic reference so that the kernel never imports the apps that own
    events or departments.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_type = models.ForeignKey(
        ContentType,
        verbose_name=_("scope type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope_id = models.PositiveBigIntegerField(_("scope id"), null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_type__isnull=True, scope_id__isnull=True)
                | Q(scope_type__isnull=False, scope_id__isnull=False),
                name="role_scope_complete",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=[r.value for r in SCOPED_ROLES], scope_type__isnull=False)
                    | Q(role__in=[r.value for r in SITE_WIDE_ROLES], scope_type__isnull=True)
                    | Q(role=Role.MODERATOR.value)
                ),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(scope_type__isnull=True),
                name="unique_site_wide_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "scope_type", "scope_id"],
                condition=Q(scope_type__isnull=False),
                name="unique_scoped_role",
            ),
        ]
        indexes = [models.Index(fields=["scope_type", "scope_id", "role"])]

    def __str__(self):
        if self.scope_type_id:
            return f"{self.user} — {self.get_role_display()} ({self.scope_label()})"
        return f"{self.user} — {self.get_role_display()}"

    @admin.display(description=_("person"), ordering="user__email")
    def person_label(self) -> str:
        return f"{self.user.public_name} <{self.user.email}>"

    @admin.display(description=_("held for"))
    def scope_label(self) -> str:
        """What the role is held for: the whole site, or the named object."""
        if not self.scope_type_id:
            return str(_("Whole site"))
        scope = self.scope
        if scope is None:
            return str(_("Removed object #%(id)s") % {"id": self.scope_id})
        return f"{capfirst(self.scope_type.name)}: {scope}"


class TermsConsent(models.Model):
    """A person accepted a version of the terms of use at a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_consents"
    )
    version = models.CharField(_("terms version"), max_length=32)
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent to terms")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="unique_consent_per_version")
        ]

    def __str__(self):
        return f"{self.user_id} accepted {self.version}"
