"""Notification kinds of interactions, registered in InteractionsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from civitas.notifications.kinds import NotificationKind, register_kind

REPLY = "interactions.reply"
COMMENT_ON_MINE = "interactions.comment_on_mine"
FOLLOWED_ACTIVITY = "interactions.followed_activity"
CONTENT_HIDDEN = "interactions.content_hidden"
CONTENT_RESTORED = "interactions.content_restored"

KINDS = (
    NotificationKind(REPLY, _("Someone replied to my comment")),
    NotificationKind(COMMENT_ON_MINE, _("Someone commented on my contribution")),
    NotificationKind(
        FOLLOWED_ACTIVITY, _("New comments on things I follow"), email_by_default=False
    ),
    NotificationKind(CONTENT_HIDDEN, _("A moderator hid my content"), mandatory=True),
    NotificationKind(CONTENT_RESTORED, _("A moderator made my content visible again")),
)


def register_kinds() -> None:
    for kind in KINDS:
        register_kind(kind)
