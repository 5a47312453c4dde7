"""Forms of the Wagtail admin for accounts: users (without first/last name) and role assignment."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from civitas.core.text import validate_clean_text

from .forms import validate_display_name
from .models import SCOPED_ROLES, SITE_WIDE_ROLES, Role, RoleAssignment, User
from .scopes import role_scopes

# Admin access follows roles (see services.sync_staff_access), so there is no superuser box.
USER_ADMIN_FIELDS = ["email", "display_name", "preferred_language", "district", "groups"]


class UserAdminFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].validators.append(validate_display_name)
        self.fields["groups"].help_text = _(
            "Permission groups for editorial work. Civitas roles are managed under "
            "Settings → Role assignments."
        )


class CivitasUserCreationForm(UserAdminFormMixin, UserCreationForm):
    first_name = None
    last_name = None
    is_superuser = None

    class Meta(UserCreationForm.Meta):
        fields = USER_ADMIN_FIELDS


class CivitasUserEditForm(UserAdminFormMixin, UserEditForm):
    first_name = None
    last_name = None
    is_superuser = None

    def __init__(self, *args, editing_self=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing_self:
            # Nobody switches their own account off by accident.
            self.fields.pop("is_active", None)

    class Meta(UserEditForm.Meta):
        fields = [*USER_ADMIN_FIELDS, "is_active"]


class RoleAssignmentForm(WagtailAdminModelForm):
    """Choose a person by e-mail, a role, and for scoped roles the object it is held for."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The person must already have an account."),
    )
    scope_model = forms.ModelChoiceField(
        label=_("Held for"),
        queryset=ContentType.objects.none(),
        required=False,
        empty_label=_("The whole site"),
        help_text=_(
            "Facilitators hold their role for one event, department members for one "
            "department; moderators for the whole site or for one process."
        ),
    )
    scope_object_id = forms.IntegerField(
        label=_("ID of the object"),
        required=False,
        min_value=1,
        help_text=_("Shown in the address of the object's edit page in the admin."),
    )

    class Meta:
        model = RoleAssignment
        fields = ["role", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_model"].queryset = role_scopes.content_types().order_by("model")
        self.fields["scope_model"].label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name
        ).capitalize()
        self.fields["note"].validators.append(validate_clean_text)
        self.scope = None
        self.person = None

    def clean_email(self):
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
        if person is None:
            raise forms.ValidationError(_("There is no account with this e-mail address."))
        self.person = person
        return email

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        scope_type, scope_id = cleaned.get("scope_model"), cleaned.get("scope_object_id")
        if not role:
            return cleaned
        role = Role(role)
        if scope_type is None:
            if scope_id:
                self.add_error("scope_model", _("Choose what the ID refers to."))
            elif role in SCOPED_ROLES:
                self.add_error(
                    "scope_model", _("This role is held for one object: choose which one.")
                )
            return cleaned
        if role in SITE_WIDE_ROLES:
            self.add_error("scope_model", _("This role is site-wide and cannot be limited."))
            return cleaned
        scope = role_scopes.for_model(scope_type.model_class())
        if scope is None or role.value not in scope.roles:
            self.add_error(
                "scope_model",
                _("The role “%(role)s” cannot be held for this kind of object (%(what)s).")
                % {"role": role.label, "what": scope_type.name},
            )
            return cleaned
        if not scope_id:
            self.add_error("scope_object_id", _("Enter the ID of the object."))
            return cleaned
        self.scope = scope.resolve(scope_id)
        if self.scope is None:
            self.add_error(
                "scope_object_id",
                _("There is no suitable %(what)s with this ID.") % {"what": scope.label},
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.person is not None and not self.errors and self.already_held():
            self.add_error(None, _("This person already holds this role there."))

    def already_held(self) -> bool:
        scope = self.scope
        return RoleAssignment.objects.filter(
            user=self.person,
            role=self.cleaned_data["role"],
            scope_type=(
                ContentType.objects.get_for_model(scope, for_concrete_model=False)
                if scope
                else None
            ),
            scope_id=scope.pk if scope else None,
        ).exists()

    def save(self, commit=True):
        raise NotImplementedError("Role assignments are created by services.role_assign")
