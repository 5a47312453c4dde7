from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_views import (
    IdeaPermissionPolicy,
    IdeaStatusPermissionPolicy,
    IdeaStatusViewSet,
    IdeaViewSet,
)
from .models import Idea, IdeaStatus

# Registered before the viewsets so Wagtail never creates its model-permission fallback.
register_permission_policy(Idea, IdeaPermissionPolicy(Idea))
register_permission_policy(IdeaStatus, IdeaStatusPermissionPolicy(IdeaStatus))
register_snippet(IdeaStatusViewSet)


@hooks.register("register_admin_viewset")
def register_idea_viewset():
    return IdeaViewSet("ideas_admin", url_prefix="ideas")


@hooks.register("register_log_actions")
def register_ideas_log_actions(actions):
    actions.register_action("ideas.idea.submitted", _("Submit idea"), _("Idea submitted"))
    actions.register_action("ideas.idea.edited", _("Edit idea"), _("Idea edited"))
    actions.register_action("ideas.idea.withdrawn", _("Withdraw idea"), _("Idea withdrawn"))
    actions.register_action(
        "ideas.idea.status_changed", _("Set idea status"), _("Idea status changed")
    )
    actions.register_action(
        "ideas.idea.redacted", _("Edit idea for privacy"), _("Idea edited for privacy")
    )
    actions.register_action("ideas.idea.merged", _("Merge idea"), _("Idea merged"))
    actions.register_action(
        "ideas.idea.comments_locked", _("Lock comments"), _("Comments on idea locked")
    )
    actions.register_action(
        "ideas.idea.comments_unlocked", _("Unlock comments"), _("Comments on idea unlocked")
    )
