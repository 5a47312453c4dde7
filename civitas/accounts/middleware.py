"""Per-person request handling: language preference, MFA for staff, consent to new terms."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from .predicates import CONSENT_CURRENT, CONSENT_OUTDATED, consent_state
from .roles import role_set


class PreferredLanguageMiddleware:
    """Use the signed-in person's preferred language unless they picked one in this browser;
    and, where required, send staff without TOTP to set it up before the admin."""

    # Signing out of the admin must stay possible without a second factor.
    mfa_exempt_paths = ("/admin/logout/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if not chosen and user.preferred_language:
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = user.preferred_language
            if (
                settings.CIVITAS_REQUIRE_MFA_FOR_STAFF
                and request.path_info.startswith("/admin/")
                and not request.path_info.startswith(self.mfa_exempt_paths)
                and self.needs_mfa(user)
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)

    @staticmethod
    def needs_mfa(user) -> bool:
        """Staff (any role but resident, or admin flags) without an authenticator app."""
        from allauth.mfa.models import Authenticator

        is_staff_role = (
            user.is_staff
            or user.is_superuser
            or any(role != "resident" for role, _t, _i in role_set(user))
        )
        if not is_staff_role:
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class TermsConsentMiddleware:
    """Ask signed-in people to accept the terms again when a newer version is in force.

    Only page views (GET) are redirected, and never the pages people need meanwhile: their
    account and privacy pages (so they can download their data or leave instead), sign-in and
    sign-out, the admin and the API. Actions are guarded by the ``has_accepted_current_terms``
    predicate. People who never accepted any version (accounts made by staff) are asked when
    they sign in (see ``AccountAdapter.post_login``).
    """

    session_key = "civitas_terms_version"
    exempt_prefixes = (
        "/me/",
        "/accounts/",
        "/admin/",
        "/django-admin/",
        "/api/",
        "/i18n/",
        "/jsi18n/",
        "/static/",
        "/media/",
        "/documents/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method in ("GET", "HEAD")
            and user is not None
            and user.is_authenticated
            and not request.path_info.startswith(self.exempt_prefixes)
            and self.consent_outdated(request, user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:terms')}?{query}")
        return self.get_response(request)

    def consent_outdated(self, request, user) -> bool:
        version = settings.CIVITAS_TERMS_VERSION
        if request.session.get(self.session_key) == version:
            return False
        state = consent_state(user)
        if state == CONSENT_CURRENT:
            # Remembered per session, so the check costs one query per sign-in, not per page.
            request.session[self.session_key] = version
        return state == CONSENT_OUTDATED
