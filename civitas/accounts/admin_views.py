"""Wagtail admin for accounts: role assignments (through the services) and people.

Role assignments are never edited in place: an administrator grants a role or revokes it,
and both go through ``services.role_assign`` / ``services.role_revoke`` so that admin access,
the audit log and the domain event always follow.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.users.views import users as wagtail_users

from civitas.core.errors import DomainError

from .admin_forms import CivitasUserCreationForm, CivitasUserEditForm, RoleAssignmentForm
from .models import Role, RoleAssignment, User
from .services import account_delete, role_assign, role_revoke


class RoleAssignmentPermissionPolicy(BasePermissionPolicy):
    """Administrators list, grant and revoke roles (rules perm accounts.assign_role)."""

    def user_has_permission(self, user, action):
        if action == "change":
            return False
        return user.has_perm("accounts.assign_role")

    def users_with_any_permission(self, actions):
        if not set(actions) - {"change"}:
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role=Role.ADMINISTRATOR),
            is_active=True,
        ).distinct()


class ForbiddenMixin:
    """Answer 403 to people without the permission, where Wagtail would redirect to the dashboard.

    A status code, not a flash message, is what tells scripts and tests the truth.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return TemplateResponse(request, "accounts/admin/403.html", status=403)


class RefusedDeletionMixin:
    """A deletion the service refuses (the last administrator...) returns to the list with why."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return redirect(self.index_url_name)


class RoleAssignmentIndexView(ForbiddenMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "granted_by", "scope_type")


class RoleAssignmentCreateView(ForbiddenMixin, generic.CreateView):
    page_title = _("Assign a role")
    success_message = _("Role assigned: %(object)s.")
    submit_button_label = _("Assign role")

    def save_instance(self):
        data = self.form.cleaned_data
        return role_assign(
            user=self.form.person,
            role=data["role"],
            scope=self.form.scope,
            by=self.request.user,
            note=data.get("note", ""),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form.add_error(None, exc.message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_success_buttons(self):
        # Assignments have no edit view: the success message needs no "Edit" button.
        return []


class RoleAssignmentDeleteView(ForbiddenMixin, RefusedDeletionMixin, generic.DeleteView):
    page_title = _("Revoke role")
    success_message = _("Role revoked: %(object)s.")

    @property
    def confirmation_message(self):
        return _("Revoke this role? The person loses what the role allowed at once.")

    def delete_action(self):
        role_revoke(assignment=self.object, by=self.request.user)


class RoleAssignmentEditView(ForbiddenMixin, generic.EditView):
    """Never allowed (see the permission policy); there only to answer 403, not redirect."""


class RoleAssignmentInspectView(ForbiddenMixin, generic.InspectView):
    pass


class RoleAssignmentViewSet(ModelViewSet):
    model = RoleAssignment
    form_class = RoleAssignmentForm
    index_view_class = RoleAssignmentIndexView
    add_view_class = RoleAssignmentCreateView
    delete_view_class = RoleAssignmentDeleteView
    edit_view_class = RoleAssignmentEditView
    inspect_view_class = RoleAssignmentInspectView
    icon = "group"
    menu_label = _("Role assignments")
    menu_name = "role_assignments"
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["role"]
    search_fields = ["user__email", "user__display_name", "note"]
    ordering = ["user__email", "role"]
    inspect_view_fields = [
        "person_label",
        "role",
        "scope_label",
        "granted_by",
        "granted_at",
        "note",
    ]
    list_display = [
        "person_label",
        "role",
        "scope_label",
        "granted_by",
        DateColumn("granted_at", label=_("Granted"), sort_key="granted_at"),
    ]

    def get_form_class(self, for_update=False):
        return self.form_class


class UserCreateView(wagtail_users.CreateView):
    def get_form_class(self):
        return CivitasUserCreationForm


class UserEditView(wagtail_users.EditView):
    def get_form_class(self):
        return CivitasUserEditForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role_assignments"] = self.object.role_assignments.select_related(
            "scope_type", "granted_by"
        )
        context["can_assign_roles"] = self.request.user.has_perm("accounts.assign_role")
        return context


class UserDeleteView(RefusedDeletionMixin, wagtail_users.DeleteView):
    """Deleting a person in the admin anonymises the account like self-service deletion."""

    success_message = _("The account was deleted; its contributions now show 'Deleted user'.")

    def delete_action(self):
        account_delete(user=self.object, by=self.request.user)


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    template_prefix = "accounts/admin/users/"

    def get_form_class(self, for_update=False):
        return CivitasUserEditForm if for_update else CivitasUserCreationForm
