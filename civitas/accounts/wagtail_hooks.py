"""Wagtail admin integration of accounts: role assignments, people, audit log actions."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from civitas.core.errors import DomainError

from .admin_views import RoleAssignmentPermissionPolicy, RoleAssignmentViewSet
from .models import RoleAssignment, User
from .services import account_delete

# Registered before the viewset so Wagtail never creates its model-permission fallback.
register_permission_policy(RoleAssignment, RoleAssignmentPermissionPolicy(RoleAssignment))


@hooks.register("register_admin_viewset")
def register_role_assignment_viewset():
    return RoleAssignmentViewSet("role_assignments", url_prefix="roles")


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    actions.register_action("accounts.role.assigned", _("Assign role"), _("Role assigned"))
    actions.register_action("accounts.role.revoked", _("Revoke role"), _("Role revoked"))
    actions.register_action("accounts.profile.updated", _("Update profile"), _("Profile updated"))
    actions.register_action("accounts.terms.accepted", _("Accept terms"), _("Terms accepted"))
    actions.register_action(
        "accounts.data.exported", _("Download personal data"), _("Personal data downloaded")
    )
    actions.register_action("accounts.account.deleted", _("Delete account"), _("Account deleted"))


@hooks.register("before_bulk_action")
def anonymise_people_instead_of_bulk_deleting(request, action_type, objects, action):
    """Deleting people in bulk anonymises each account, exactly like deleting one."""
    if action_type != "delete" or action.model is not User:
        return None
    deleted = 0
    for person in objects:
        try:
            account_delete(user=person, by=request.user)
        except DomainError as exc:
            messages.error(request, f"{person.email}: {exc.message}")
        else:
            deleted += 1
    messages.success(
        request,
        ngettext("%(count)d account was deleted.", "%(count)d accounts were deleted.", deleted)
        % {"count": deleted},
    )
    return redirect(action.next_url)
