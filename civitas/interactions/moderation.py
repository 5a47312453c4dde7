"""The moderation queue in the Wagtail admin: open reports grouped by content, hide or dismiss."""

from functools import wraps

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from civitas.core.errors import DomainError

from . import services
from .forms import HideForm
from .rules import can
from .selectors import hidden_content, moderatable_models, open_flag_groups
from .targets import describe, excerpt, public_url
from .views import posted

app_name = "interactions_moderation"
PAGE_SIZE = 25


def require_moderation_access(request) -> None:
    if not request.user.has_perm("participation.moderate"):
        raise PermissionDenied


def forbidden(request):
    return TemplateResponse(
        request,
        "interactions/admin/forbidden.html",
        {"header_title": _("Not allowed"), "page_title": _("Not allowed")},
        status=403,
    )


def moderators_only(view):
    """Answer 403 where the admin would redirect to its dashboard: a status code tells the
    truth to people, scripts and tests alike."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            require_moderation_access(request)
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapper


def moderated_object(request, type_id: int, pk: int):
    """The object addressed by content type and pk, if moderatable and `request.user` may act
    on it (404 / 403 otherwise)."""
    try:
        model = ContentType.objects.get_for_id(type_id).model_class()
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    if model not in moderatable_models():
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not can("interactions.moderate", request.user, obj):
        raise PermissionDenied
    return obj


def describe_for_queue(obj) -> dict:
    return {
        "object": obj,
        "type_id": ContentType.objects.get_for_model(obj).pk,
        "label": describe(obj),
        "excerpt": excerpt(obj, 300),
        "url": public_url(obj),
    }


class ModerationView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")},
    ]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class QueueView(ModerationView):
    """Open reports, most reported first."""

    template_name = "interactions/admin/queue.html"
    page_title = gettext_lazy("Moderation: open reports")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(open_flag_groups(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("p")
        )
        for group in page.object_list:
            group.update(describe_for_queue(group["target"]))
        context.update({"page_obj": page, "groups": page.object_list, "hide_form": HideForm()})
        return context


class HiddenView(ModerationView):
    """Recently hidden content, with a way to make it visible again."""

    template_name = "interactions/admin/hidden.html"
    page_title = gettext_lazy("Moderation: hidden content")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = [describe_for_queue(obj) for obj in hidden_content(self.request.user)]
        return context


@moderators_only
def hide(request, type_id, pk):
    """GET: a form for the reason; POST: hide the content and resolve its reports."""
    target = moderated_object(request, type_id, pk)
    form = HideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.content_hide(
                target=target, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The content is hidden and its author is told why."))
        return redirect("interactions_moderation:queue")
    return render(
        request,
        "interactions/admin/hide.html",
        {
            "page_title": _("Hide content"),
            "header_title": _("Hide content"),
            "header_icon": "warning",
            "item": describe_for_queue(target),
            "form": form,
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("interactions_moderation:queue"), "label": _("Moderation")},
                {"url": "", "label": _("Hide content")},
            ],
        },
        status=400 if form.errors else 200,
    )


@moderators_only
@require_POST
def dismiss(request, type_id, pk):
    target = moderated_object(request, type_id, pk)
    try:
        count = services.flag_dismiss(target=target, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s report(s) dismissed.") % {"count": count})
    return redirect("interactions_moderation:queue")


@moderators_only
@require_POST
def unhide(request, type_id, pk):
    target = moderated_object(request, type_id, pk)
    try:
        services.content_unhide(target=target, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The content is visible again."))
    return redirect("interactions_moderation:hidden")


urlpatterns = [
    path("", moderators_only(QueueView.as_view()), name="queue"),
    path("hidden/", moderators_only(HiddenView.as_view()), name="hidden"),
    path("<int:type_id>/<int:pk>/hide/", hide, name="hide"),
    path("<int:type_id>/<int:pk>/dismiss/", dismiss, name="dismiss"),
    path("<int:type_id>/<int:pk>/unhide/", unhide, name="unhide"),
]
