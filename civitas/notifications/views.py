"""A person's notifications: the list, marking read, and delivery preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PreferencesForm
from .models import Notification
from .services import notification_mark_read, notifications_mark_all_read, preferences_update

PAGE_SIZE = 20


def posted(request):
    """The POST data for binding a form; None on GET (an empty POST still binds)."""
    return request.POST if request.method == "POST" else None


def safe_url(request, url: str, fallback: str) -> str:
    """`url` if it stays on this site, else `fallback`."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@login_required
def notification_list(request):
    paginator = Paginator(request.user.notifications.order_by("-created_at", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "title": _("Notifications"),
            "page_obj": page,
            "notifications": page.object_list,
            "has_unread": request.user.notifications.unread().exists(),
        },
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification, user=request.user)
    return redirect(safe_url(request, notification.url, "notifications:list"))


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification, user=request.user)
    messages.success(request, _("Marked as read."))
    return redirect(safe_url(request, request.POST.get("next", ""), "notifications:list"))


@login_required
@require_POST
def notification_read_all(request):
    changed = notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(safe_url(request, request.POST.get("next", ""), "notifications:list"))


@login_required
def preferences(request):
    form = PreferencesForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"title": _("Notification settings"), "form": form},
        status=400 if form.errors else 200,
    )
