"""Wagtail admin views of the feedback loop: the delivery log of the webhooks (with "deliver
again"), and the panels that warn about overlapping routing rules and list a department's people.

Nothing here changes a delivery by itself: "deliver again" goes through
``webhooks.redeliver``, which checks the permission, logs and queues the attempt.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from civitas.core.errors import DomainError

from . import webhooks
from .models import ProcessSettings, RoutingRule, Webhook, WebhookDelivery
from .sources import source_choices


class ForbiddenMixin:
    """Answer 403 to people without the permission, where Wagtail would redirect to the
    dashboard: a status code tells scripts and tests the truth."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            reason = _(
                "Only people who manage webhooks see their deliveries and deliver messages again."
            )
            return TemplateResponse(
                request, "accounts/admin/403.html", {"reason": reason}, status=403
            )


class WebhookDeliveryPermissionPolicy(BasePermissionPolicy):
    """Deliveries are only viewed, by whoever may change webhooks; nothing is edited here."""

    def user_has_permission(self, user, action):
        return action == "view" and webhooks.can_manage_webhooks(user)

    def users_with_any_permission(self, actions):
        from wagtail.permission_policies import ModelPermissionPolicy

        if "view" not in actions:
            return Webhook.objects.none()
        return ModelPermissionPolicy(Webhook).users_with_permission("change")


class WebhookDeliveryFilterSet(WagtailFilterSet):
    webhook = django_filters.ModelChoiceFilter(
        label=_("Webhook"), queryset=Webhook.objects.order_by("name"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=list(WebhookDelivery.STATUS_LABELS.items()),
        empty_label=_("All"),
    )
    event = django_filters.ChoiceFilter(
        label=_("Event"), choices=[(e, e) for e in Webhook.EVENTS], empty_label=_("All")
    )
    case = django_filters.NumberFilter(
        label=_("Case number"), method="filter_case", min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = WebhookDelivery
        fields = ["webhook", "status", "event", "case"]

    def filter_case(self, queryset, name, value):
        # The case is known from the payload only (a delivery outlives its case).
        return queryset.filter(payload__case__id=int(value))


class LinkColumn(Column):
    """A cell holding one link, to `get_url(instance)` (none when it gives no URL)."""

    cell_template_name = "feedback_loop/admin/link_cell.html"

    def __init__(self, name, *, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self._get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["link_url"] = self._get_url(instance)
        return context


class DateTimeColumn(Column):
    """A date and time in the site's format (also in the future, unlike Wagtail's "ago")."""

    cell_template_name = "feedback_loop/admin/datetime_cell.html"


class RedeliverColumn(Column):
    """A "Deliver again" button (a POST form) per delivery, coming back to the same list."""

    cell_template_name = "feedback_loop/admin/redeliver_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = context["request"]
        context["action_url"] = reverse("webhook_deliveries:redeliver", args=[instance.pk])
        context["csrf_token"] = get_token(request) if request else ""
        # Back to the full list with the same filters (cells are also drawn by the results
        # fragment that filtering loads, whose own URL is no page to come back to).
        query = request.GET.urlencode() if request else ""
        context["next_url"] = reverse("webhook_deliveries:index") + (f"?{query}" if query else "")
        return context


def case_url(delivery) -> str | None:
    return reverse("feedback_loop:case", args=[delivery.case_id]) if delivery.case_id else None


def next_try(delivery):
    return delivery.next_attempt_at if delivery.status == WebhookDelivery.PENDING else None


class WebhookDeliveryIndexView(ForbiddenMixin, generic.IndexView):
    page_title = _("Webhook deliveries")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("webhook")


class RedeliverView(ForbiddenMixin, View):
    """POST: deliver one message again (a new attempt on the same delivery record)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not webhooks.can_manage_webhooks(request.user):
            raise PermissionDenied
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        try:
            delivery = webhooks.redeliver(delivery=delivery, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            delivery.refresh_from_db()
            if delivery.status == WebhookDelivery.DELIVERED:
                messages.success(request, _("The message was delivered again."))
            elif delivery.status == WebhookDelivery.FAILED or delivery.last_error:
                messages.warning(
                    request,
                    _("The receiver did not take the message: %(error)s")
                    % {"error": delivery.last_error or delivery.status_label},
                )
            else:
                messages.success(request, _("The message is queued to be delivered again."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("webhook_deliveries:index")
        return HttpResponseRedirect(target)


class WebhookDeliveryViewSet(ModelViewSet):
    """The delivery log of every webhook (filter by webhook for one endpoint's log)."""

    model = WebhookDelivery
    name = "webhook_deliveries"
    url_prefix = "feedback-loop/webhook-deliveries"
    index_view_class = WebhookDeliveryIndexView
    filterset_class = WebhookDeliveryFilterSet
    icon = "resubmit"
    menu_label = _("Webhook deliveries")
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = []  # nothing is added or edited here (see the permission policy)
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    list_display = [
        Column("webhook", label=_("Webhook")),
        Column("event", label=_("Event")),
        LinkColumn("case", label=_("Case"), accessor="case_id", get_url=case_url),
        Column("status", label=_("Status"), accessor="status_label"),
        Column("attempts", label=_("Attempts")),
        Column("last_status_code", label=_("Last response")),
        Column("last_error", label=_("Last error")),
        DateTimeColumn("next_attempt_at", label=_("Next try"), accessor=next_try),
        DateTimeColumn("created_at", label=_("Created"), sort_key="created_at"),
        RedeliverColumn("redeliver", label=_("Action")),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/deliver-again/", RedeliverView.as_view(), name="redeliver"),
        ]


def deliveries_url(webhook) -> str:
    return reverse("webhook_deliveries:index") + f"?webhook={webhook.pk}"


# --- routing rules and process settings ------------------------------------------------------


class KnownSourcesField(forms.MultipleChoiceField):
    """Contribution types that become cases: only types the feedback loop knows."""

    widget = forms.CheckboxSelectMultiple

    def validate(self, value):
        known = {key for key, _label in self.choices}
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                _("Unknown contribution types: %(unknown)s. Known types: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))},
                code="unknown_source",
            )


class ProcessSettingsAdminForm(WagtailAdminModelForm):
    case_sources = KnownSourcesField(
        required=False,
        help_text=_("None ticked: every type that becomes a case by default."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["case_sources"]
        field.label = capfirst(ProcessSettings._meta.get_field("case_sources").verbose_name)
        field.choices = source_choices()


class RoutingRuleAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        choices = [("", _("Every type")), *source_choices()]
        self.fields["source"] = forms.ChoiceField(
            label=field.label,
            required=False,
            choices=choices,
            help_text=_("Empty matches every type."),
            error_messages={
                "invalid_choice": _(
                    "“%(value)s” is not a known contribution type: choose one from the list."
                )
            },
        )


def covers(broad: RoutingRule, narrow: RoutingRule) -> bool:
    """Every case `narrow` matches, `broad` matches too (each criterion unset or equal)."""
    return all(
        getattr(broad, name) in (None, "") or getattr(broad, name) == getattr(narrow, name)
        for name in RoutingRule.CRITERIA
    )


def rule_conflicts(rule: RoutingRule) -> tuple[list, list]:
    """(rules that shadow `rule`: active, same or higher priority and matching every case it
    matches; other active rules that could match some of the same cases)."""
    if rule.pk is None or not rule.active:
        return [], []
    others = (
        RoutingRule.objects.filter(active=True)
        .exclude(pk=rule.pk)
        .select_related("department", "topic", "district", "process")
        .order_by("priority", "pk")
    )
    shadowing, overlapping = [], []
    for other in others:
        if other.priority <= rule.priority and covers(other, rule):
            shadowing.append(other)
        elif rule.overlaps(other):
            overlapping.append(other)
    return shadowing, overlapping


class RuleConflictsPanel(Panel):
    """A warning on a routing rule's edit page naming the rules that shadow or overlap it."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "feedback_loop/admin/rule_conflicts_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.shadowing, self.overlapping = rule_conflicts(self.instance)

        def is_shown(self):
            return bool(self.shadowing or self.overlapping)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["shadowing"] = [rule_link(rule) for rule in self.shadowing]
            context["overlapping"] = [rule_link(rule) for rule in self.overlapping]
            return context


def rule_link(rule: RoutingRule) -> dict:
    return {
        "rule": rule,
        "url": reverse("wagtailsnippets_feedback_loop_routingrule:edit", args=[rule.pk]),
    }


# --- departments -----------------------------------------------------------------------------


class DepartmentMembersPanel(Panel):
    """The department's members, read-only, with a link to the screen where roles are given."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "feedback_loop/admin/department_members_panel.html"

        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            from .selectors import department_members

            context = super().get_context_data(parent_context)
            context["members"] = list(
                department_members([self.instance.pk]).order_by("display_name", "email")
            )
            context["roles_url"] = reverse("role_assignments:index") + "?role=department_member"
            context["can_assign_roles"] = self.request is not None and self.request.user.has_perm(
                "accounts.assign_role"
            )
            return context
