"""Per-person request handling: language preference and MFA for staff."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .roles import role_set


class PreferredLanguageMiddleware:
    """Use the signed-in person's preferred language unless they picked one in this browser;
    and, where required, send staff without TOTP to set it up before the admin."""

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
                and self.needs_mfa(user)
            ):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)

    @staticmethod
    def needs_mfa(user) -> bool:
        from allauth.mfa.models import Authenticator

        is_staff_role = (
            user.is_staff
            or user.is_superuser
            or any(role != "resident" for role, _t, _i in role_set(user))
        )
        if not is_staff_role:
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
