"""Wagtail admin list of ideas for the people who moderate them or set their status.

Read-only: every change of an idea (status, answer, hiding, merging...) goes through the idea's
moderation or status page and ``ideas.services``; the list only finds ideas and links to those
pages.
"""

import django_filters
from django.contrib import messages
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, ProtectedError, Q, Value
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet

from civitas.accounts.admin_views import ForbiddenMixin
from civitas.accounts.models import Role, User
from civitas.accounts.roles import holds_role, scope_ids
from civitas.participation.models import District, Topic
from civitas.participation.predicates import is_administrator

from . import search
from .models import Idea, IdeaChallengePage, IdeaStatus, is_last_open


class IdeaPermissionPolicy(BasePermissionPolicy):
    """Only viewing, for whoever the rule ideas.list_ideas_admin allows; nothing is edited here."""

    def user_has_permission(self, user, action):
        return action == "view" and user.has_perm("ideas.list_ideas_admin")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(
            Q(is_superuser=True)
            | Q(role_assignments__role__in=[Role.ADMINISTRATOR, Role.MODERATOR, Role.TASKFORCE]),
            is_active=True,
        ).distinct()


def staff_ideas(user):
    """The ideas the admin list shows `user`, each with `may_moderate`: every idea they may
    moderate (hidden, withdrawn and merged ones too), as ideas.moderate_idea decides, and for
    the taskforce, who set statuses everywhere, every idea that is not hidden."""
    if is_administrator.test(user) or holds_role(user, Role.MODERATOR):
        return Idea.objects.annotate(may_moderate=Value(True))
    if not user.is_authenticated:
        return Idea.objects.none()
    challenges = sorted(scope_ids(user, Role.MODERATOR, IdeaChallengePage))
    moderated = Q(process_id__in=challenges) if challenges else Q(pk__in=[])
    shown = Q(hidden_at__isnull=True) | moderated if holds_role(user, Role.TASKFORCE) else moderated
    may_moderate = (
        ExpressionWrapper(moderated, output_field=BooleanField()) if challenges else Value(False)
    )
    return Idea.objects.filter(shown).annotate(may_moderate=may_moderate)


def moderated_challenges(request):
    """Challenges offered by the filter: those of the ideas the person sees in the list."""
    if request is None:
        return IdeaChallengePage.objects.none()
    ids = staff_ideas(request.user).values("process_id")
    return IdeaChallengePage.objects.filter(pk__in=ids).order_by("title")


class IdeaFilterSet(WagtailFilterSet):
    process = django_filters.ModelChoiceFilter(
        label=_("Challenge"), queryset=moderated_challenges, empty_label=_("All")
    )
    status = django_filters.ModelChoiceFilter(
        label=_("Status"),
        queryset=IdeaStatus.objects.all(),
        to_field_name="code",
        empty_label=_("All"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=Topic.objects.all(), empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), empty_label=_("All")
    )

    class Meta:
        model = Idea
        fields = ["process", "status", "topic", "district"]


class LinkColumn(Column):
    """A cell holding one link, to the URL `get_url(instance)` returns."""

    cell_template_name = "ideas/admin/link_cell.html"

    def __init__(self, name, *, get_url, text, **kwargs):
        super().__init__(name, accessor=lambda _instance: text, **kwargs)
        self._get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["link_url"] = self._get_url(instance)
        return context


def moderation_url(idea) -> str:
    """The moderation page for those who may moderate the idea, else its public page."""
    if getattr(idea, "may_moderate", True):
        return f"{idea.get_absolute_url()}moderate/"
    return idea.get_absolute_url()


def status_url(idea) -> str:
    """The page where staff set the status and official answer (none for a hidden idea, which
    has no public page and gets no answer)."""
    return "" if idea.hidden_at else f"{idea.get_absolute_url()}status/"


class IdeaIndexView(ForbiddenMixin, generic.IndexView):
    """Ideas the person may moderate or set the status of, newest first, filtered and searched
    in the database."""

    def get_base_queryset(self):
        return staff_ideas(self.request.user).select_related(
            "process", "topic", "district", "status"
        )

    def search_queryset(self, queryset):
        # The app's own database search (FTS5 / PostgreSQL), the one the public lists use.
        if not self.is_searching:
            return queryset
        return search.matching(queryset, self.search_query)


class IdeaViewSet(ModelViewSet):
    model = Idea
    permission_policy = IdeaPermissionPolicy(Idea)
    index_view_class = IdeaIndexView
    filterset_class = IdeaFilterSet
    icon = "clipboard-list"
    menu_label = _("Ideas")
    menu_name = "ideas"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title", "body"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    list_display = [
        TitleColumn("title", label=_("Title"), get_url=moderation_url),
        Column("challenge", label=_("Challenge"), accessor="process.title"),
        Column("status", label=_("Status"), accessor="status.label"),
        Column("topic", label=_("Topic")),
        Column("district", label=_("District")),
        NumberColumn("support_count", label=_("Supports"), sort_key="support_count"),
        NumberColumn("comment_count", label=_("Comments"), sort_key="comment_count"),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
        LinkColumn(
            "set_status",
            label=_("Status and answer"),
            get_url=status_url,
            text=_("Set status"),
        ),
        LinkColumn(
            "public_page",
            label=_("Public page"),
            get_url=lambda idea: idea.get_absolute_url(),
            text=_("View"),
        ),
    ]


class IdeaStatusPermissionPolicy(BasePermissionPolicy):
    """Editors and administrators manage the statuses (rule ideas.manage_statuses)."""

    def user_has_permission(self, user, action):
        return action in ("add", "change", "delete", "view") and user.has_perm(
            "ideas.manage_statuses"
        )

    def users_with_any_permission(self, actions):
        return User.objects.filter(
            Q(is_superuser=True) | Q(role_assignments__role__in=[Role.ADMINISTRATOR, Role.EDITOR]),
            is_active=True,
        ).distinct()


class IdeaStatusDeleteView(ForbiddenMixin, SnippetDeleteView):
    """A status that ideas (or their history) have, or the one new ideas get, is kept: the
    editor goes back to the list with the reason instead of an error page."""

    def form_valid(self, form):
        if is_last_open(self.object):
            return self.refuse(
                _(
                    "“%(status)s” is the status new ideas get: make another status active "
                    "and open before deleting it."
                )
            )
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            return self.refuse(
                _(
                    "“%(status)s” cannot be deleted: ideas have it or had it. Make it inactive "
                    "instead, so it can no longer be chosen."
                )
            )

    def refuse(self, message):
        messages.error(self.request, message % {"status": self.object})
        return redirect(self.index_url_name)


class IdeaStatusViewSet(SnippetViewSet):
    model = IdeaStatus
    permission_policy = IdeaStatusPermissionPolicy(IdeaStatus)
    delete_view_class = IdeaStatusDeleteView
    icon = "tag"
    menu_label = _("Idea statuses")
    menu_name = "idea_statuses"
    menu_order = 251
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["label", "code", "meaning", "sort_order", "active"]
    ordering = ["sort_order", "pk"]
