"""Notification kinds of budgeting, registered in BudgetingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from civitas.notifications.kinds import NotificationKind, register_kind

PROPOSAL_REVIEWED = "budgeting.proposal_reviewed"
IMPLEMENTATION = "budgeting.implementation"

KINDS = (
    NotificationKind(PROPOSAL_REVIEWED, _("My budget proposal was reviewed")),
    NotificationKind(IMPLEMENTATION, _("News about funded projects I follow")),
)


def register_kinds() -> None:
    for kind in KINDS:
        register_kind(kind)
