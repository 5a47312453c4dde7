"""A person's own account pages: profile, terms, privacy."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"title": _("My account")})


def terms(request):
    return render(
        request,
        "accounts/terms.html",
        {"title": _("Terms of use and privacy"), "version": settings.CIVITAS_TERMS_VERSION},
    )
