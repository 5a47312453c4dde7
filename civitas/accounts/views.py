"""A person's own account pages: profile, terms and consent, privacy (export and deletion)."""

import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from civitas.core.errors import DomainError
from civitas.core.views import rate_limited

from .forms import AccountDeleteForm, ProfileForm, TermsAcceptForm
from .models import TermsConsent
from .predicates import CONSENT_CURRENT, CONSENT_OUTDATED, consent_state
from .services import account_delete, personal_data_export, profile_update, terms_accept


def safe_next(request, fallback: str) -> str:
    """The `next` parameter if it stays on this site, else `fallback`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def redirect_field(url: str) -> str:
    """The hidden "next" input that brings people back where they came from."""
    return format_html('<input type="hidden" name="next" value="{}">', url) if url else ""


def account_links() -> list[tuple[str, str, str]]:
    """(url, label, description) of the pages that manage the account, those that exist."""
    candidates = [
        ("account_email", _("E-mail addresses"), _("Add an address, choose the primary one.")),
        ("account_change_password", _("Password"), _("Change your password.")),
        ("mfa_index", _("Two-factor authentication"), _("Protect your account with a code.")),
        ("usersessions_list", _("Active sessions"), _("See where you are signed in.")),
        (
            "notifications:preferences",
            _("Notification preferences"),
            _("Choose what we tell you, and how."),
        ),
        ("accounts:privacy", _("Privacy"), _("Download your data or delete your account.")),
        ("accounts:terms", _("Terms of use"), _("What you agreed to, and which version.")),
    ]
    links = []
    for name, label, description in candidates:
        try:
            links.append((reverse(name), label, description))
        except NoReverseMatch:
            continue
    return links


def _bad_request_status(form) -> int:
    return 400 if form.errors else 200


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    """Show and change the person's profile; POST goes through services.profile_update."""
    user = request.user
    if not user.has_perm("accounts.edit_profile", user):
        raise PermissionDenied
    form = ProfileForm.for_user(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"title": _("My account"), "form": form, "links": account_links()},
        status=_bad_request_status(form),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def terms(request):
    """The terms in force; signed-in people who have not accepted this version can do so here."""
    state = consent_state(request.user)
    needs_consent = request.user.is_authenticated and state != CONSENT_CURRENT
    form = None
    if needs_consent:
        form = TermsAcceptForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                terms_accept(user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you. You accepted the terms of use."))
                return redirect(safe_next(request, reverse("accounts:profile")))
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={reverse('accounts:terms')}")
        return redirect(safe_next(request, reverse("accounts:profile")))
    consent = None
    if request.user.is_authenticated and not needs_consent:
        consent = TermsConsent.objects.filter(
            user=request.user, version=settings.CIVITAS_TERMS_VERSION
        ).first()
    return render(
        request,
        "accounts/terms.html",
        {
            "title": _("Terms of use and privacy"),
            "version": settings.CIVITAS_TERMS_VERSION,
            "form": form,
            "consent": consent,
            "terms_changed": state == CONSENT_OUTDATED,
            "redirect_field": redirect_field(safe_next(request, "")),
        },
        status=_bad_request_status(form) if form else 200,
    )


@never_cache
@login_required
def privacy(request):
    """What we hold and the two rights people exercise here: download and deletion."""
    return render(request, "accounts/privacy.html", {"title": _("Privacy")})


EXPORT_RATE = "10/h"


@never_cache
@login_required
@require_POST
def data_export(request):
    """Download everything we hold about the person as a JSON attachment (never cached)."""
    user = request.user
    if not user.has_perm("accounts.export_data", user):
        raise PermissionDenied
    # Exports gather everything a person did across the apps: a handful per hour is plenty.
    if is_ratelimited(
        request, group="accounts.data_export", key="user", rate=EXPORT_RATE, increment=True
    ):
        return rate_limited(request)
    data = personal_data_export(user=user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="civitas-my-data-{stamp}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def account_delete_view(request):
    """Confirm, reauthenticate (password or second factor), delete, sign out everywhere."""
    user = request.user
    if not user.has_perm("accounts.delete_account", user):
        raise PermissionDenied
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(
                request,
                _("Your account was deleted. What you contributed stays, as from a deleted user."),
            )
            return redirect("/")
    return render(
        request,
        "accounts/delete.html",
        {"title": _("Delete my account"), "form": form},
        status=_bad_request_status(form),
    )
