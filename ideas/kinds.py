"""Notification kinds of the ideas app, registered in IdeasConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from civitas.notifications.kinds import NotificationKind, register_kind

STATUS_CHANGED = "ideas.status_changed"
MERGED = "ideas.merged"

KINDS = (
    NotificationKind(
        STATUS_CHANGED, _("An idea I wrote, supported or follow got a new status or answer")
    ),
    NotificationKind(MERGED, _("An idea I wrote, supported or follow was merged into another")),
)


def register_kinds() -> None:
    for kind in KINDS:
        register_kind(kind)
