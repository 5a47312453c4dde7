"""Cross-cutting request handling: the client's address behind a proxy, body size limits and
the Content Security Policy."""

import contextlib
import ipaddress

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class ClientAddressMiddleware:
    """Behind a proxy that names the client in a header of its own (CIVITAS_CLIENT_IP_HEADER,
    e.g. X-Real-IP, which the proxy overwrites on every request), take the client's address
    from it, so rate limits, sign-in records and logs count people rather than the proxy.

    WSGI servers give the proxy's address as REMOTE_ADDR; daphne's --proxy-headers does this
    itself. A header that holds no single IP address is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        header = settings.CIVITAS_CLIENT_IP_HEADER
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else None

    def __call__(self, request):
        if self.meta_key:
            value = request.META.get(self.meta_key, "").strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(value))
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Answer 413 to requests whose declared body exceeds CIVITAS_MAX_REQUEST_BYTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Invalid Content-Length header."), status=400)
        if length > settings.CIVITAS_MAX_REQUEST_BYTES:
            return HttpResponse(
                _("The request is too large. Please send less data."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class CivitasCSPMiddleware(CSPMiddleware):
    """Strict CSP for the public site; the Wagtail admin and API docs get inline allowances."""

    relaxed_prefixes = ("/admin/", "/django-admin/", "/api/")

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.relaxed_prefixes):
            # Wagtail's admin and Swagger UI still use inline scripts, styles and blob workers.
            parts.update = {
                "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": ["'self'", "data:", "blob:"],
                "worker-src": ["'self'", "blob:"],
                "frame-ancestors": ["'self'"],
            }
        return parts
