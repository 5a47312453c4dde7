"""Wagtail admin integration of accounts: audit log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    actions.register_action("accounts.role.assigned", _("Assign role"), _("Role assigned"))
    actions.register_action("accounts.role.revoked", _("Revoke role"), _("Role revoked"))
    actions.register_action("accounts.profile.updated", _("Update profile"), _("Profile updated"))
    actions.register_action("accounts.account.deleted", _("Delete account"), _("Account deleted"))
