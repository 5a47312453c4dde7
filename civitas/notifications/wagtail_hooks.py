"""Wagtail admin integration of notifications: audit log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_notification_log_actions(actions):
    actions.register_action(
        "notifications.preferences.updated",
        _("Update notification preferences"),
        _("Notification preferences updated"),
    )
