from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()[:50]
    return render(
        request,
        "notifications/list.html",
        {"title": _("Notifications"), "notifications": notifications},
    )
