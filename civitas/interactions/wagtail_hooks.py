"""Wagtail admin integration of interactions: the moderation queue and audit log actions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import moderation

LOG_ACTIONS = (
    ("interactions.comment.posted", _("Post comment"), _("Comment posted")),
    ("interactions.comment.edited", _("Edit comment"), _("Comment edited")),
    ("interactions.comment.deleted", _("Delete comment"), _("Comment deleted by its author")),
    ("interactions.support.added", _("Support"), _("Support added")),
    ("interactions.support.removed", _("Withdraw support"), _("Support withdrawn")),
    ("interactions.follow.added", _("Follow"), _("Followed")),
    ("interactions.follow.removed", _("Unfollow"), _("Unfollowed")),
    ("interactions.flag.created", _("Report content"), _("Content reported")),
    ("interactions.flag.dismissed", _("Dismiss reports"), _("Reports dismissed")),
    ("interactions.content.hidden", _("Hide content"), _("Content hidden by a moderator")),
    ("interactions.content.unhidden", _("Unhide content"), _("Content made visible again")),
)


@hooks.register("register_log_actions")
def register_interaction_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("moderation/", include((moderation.urlpatterns, moderation.app_name)))]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("participation.moderate")


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem(
        _("Moderation"),
        reverse("interactions_moderation:queue"),
        name="moderation",
        icon_name="warning",
        order=250,
    )
