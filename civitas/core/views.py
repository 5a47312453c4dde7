"""Views shared by every app: error pages, the rate-limit answer and the open-data page."""

import functools

from django.shortcuts import render
from django.utils.translation import gettext as _


def rate_limited(request, exception=None):
    """Tell the person to slow down (429) instead of failing."""
    return render(
        request,
        "civitas/error.html",
        {
            "title": _("Too many requests"),
            "message": _("You have sent too many requests in a short time. Please wait a minute."),
        },
        status=429,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "civitas/error.html",
        {"title": _("Bad request"), "message": _("The request could not be understood.")},
        status=400,
    )


def permission_denied(request, exception=None):
    return render(
        request,
        "civitas/error.html",
        {"title": _("Not allowed"), "message": _("You are not allowed to do this.")},
        status=403,
    )


def page_not_found(request, exception=None):
    return render(
        request,
        "civitas/error.html",
        {"title": _("Page not found"), "message": _("There is no page at this address.")},
        status=404,
    )


def server_error(request):
    """A self-contained page: the database or the site settings may be what failed."""
    return render(
        request,
        "civitas/500.html",
        {"title": _("Something went wrong"), "message": _("Please try again later.")},
        status=500,
    )


@functools.cache
def public_endpoints() -> tuple[dict, ...]:
    """The API's GET addresses that need no token, with their summaries (built once per
    process: the schema is fixed by the code, and building it takes about 40 ms)."""
    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return tuple(
        {
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
        }
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "get" and not operation.get("security")
    )


def open_data(request):
    """The open-data API described on a page of the site: each public endpoint with what it
    returns, the OpenAPI schema and the interactive documentation for developers."""
    return render(request, "civitas/open_data.html", {"endpoints": public_endpoints()})
