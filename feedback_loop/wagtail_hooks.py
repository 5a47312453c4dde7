"""Admin for the feedback loop: departments, routing rules, process settings, webhooks; the
audit log's action names; the home page's "How your input was used" section; a menu link to
the case inboxes."""

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from civitas.home.sections import HomeSection

from .admin_views import (
    DepartmentMembersPanel,
    LinkColumn,
    ProcessSettingsAdminForm,
    RoutingRuleAdminForm,
    RuleConflictsPanel,
    WebhookDeliveryPermissionPolicy,
    WebhookDeliveryViewSet,
    deliveries_url,
)
from .models import (
    CASE_ACTIONS,
    TOKEN_ACTIONS,
    Department,
    ProcessSettings,
    RoutingRule,
    Webhook,
    WebhookDelivery,
)


@hooks.register("register_log_actions")
def register_feedback_log_actions(actions):
    for key, label in CASE_ACTIONS.items():
        actions.register_action(f"feedback_loop.case.{key}", label, label)
    for key, label in TOKEN_ACTIONS.items():
        actions.register_action(f"feedback_loop.token.{key}", label, label)
    actions.register_action(
        "feedback_loop.webhook.redelivered",
        _("Deliver a webhook message again"),
        _("Webhook message delivered again"),
    )


# Registered before the viewset so Wagtail never creates its model-permission fallback.
register_permission_policy(WebhookDelivery, WebhookDeliveryPermissionPolicy(WebhookDelivery))


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    list_display = ["name", "contact_email"]
    menu_label = _("Departments")
    edit_handler = ObjectList([*Department.panels, DepartmentMembersPanel(heading=_("Members"))])


def rule_overlaps(rule: RoutingRule) -> str:
    """Other active rules that could match the same case, so editors see ambiguous priorities."""
    others = [
        other
        for other in RoutingRule.objects.filter(active=True)
        .exclude(pk=rule.pk)
        .select_related("department", "topic", "district", "process")
        if rule.active and rule.overlaps(other)
    ]
    if not others:
        return "—"
    return format_html_join(", ", "#{} ({})", ((o.pk, o.priority) for o in others))


class RoutingRuleViewSet(SnippetViewSet):
    model = RoutingRule
    icon = "resubmit"
    list_display = [
        "__str__",
        "priority",
        "active",
        Column("overlaps", label=_("Overlaps with"), accessor=rule_overlaps),
    ]
    menu_label = _("Routing rules")
    edit_handler = ObjectList(
        [RuleConflictsPanel(heading=_("Overlapping rules")), *RoutingRule.panels],
        base_form_class=RoutingRuleAdminForm,
    )


class ProcessSettingsViewSet(SnippetViewSet):
    model = ProcessSettings
    icon = "cog"
    list_display = ["process", "approval_required", "answer_working_days"]
    menu_label = _("Process settings")
    edit_handler = ObjectList(ProcessSettings.panels, base_form_class=ProcessSettingsAdminForm)


class WebhookViewSet(SnippetViewSet):
    model = Webhook
    icon = "link"
    list_display = [
        "name",
        "url",
        "department",
        "active",
        LinkColumn(
            "deliveries",
            label=_("Deliveries"),
            accessor=lambda _hook: _("Delivery log"),
            get_url=deliveries_url,
        ),
    ]
    menu_label = _("Webhooks")


class FeedbackViewSetGroup(SnippetViewSetGroup):
    items = (
        DepartmentViewSet,
        RoutingRuleViewSet,
        ProcessSettingsViewSet,
        WebhookViewSet,
        WebhookDeliveryViewSet,
    )
    menu_icon = "mail"
    menu_label = _("Feedback loop")
    menu_name = "feedback_loop"


register_snippet(FeedbackViewSetGroup)


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("feedback_loop.view_inbox")


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(
        _("Case inbox"), reverse("feedback_loop:inbox"), icon_name="tasks", order=250
    )


@hooks.register("civitas_home_section")
def recent_answers_section():
    from .selectors import recent_answers

    return HomeSection(
        "recent_answers",
        template="feedback_loop/home_section.html",
        get_context=lambda request: {"answers": recent_answers(limit=5)},
    )
