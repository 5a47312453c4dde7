"""Behind a proxy the client's address comes from the proxy's own header, when one is set."""

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory

from civitas.core.middleware import ClientAddressMiddleware


def address_seen(headers: dict, header_setting: str, settings) -> str:
    settings.CIVITAS_CLIENT_IP_HEADER = header_setting
    middleware = ClientAddressMiddleware(lambda request: HttpResponse(request.META["REMOTE_ADDR"]))
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers)
    return middleware(request).content.decode()


@pytest.mark.parametrize(
    ("value", "seen"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 2001:db8::1 ", "2001:db8::1"),
        ("203.0.113.7, 10.0.0.1", "127.0.0.1"),  # not one address: ignored
        ("<script>", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_the_proxys_header_names_the_client(settings, value, seen):
    assert address_seen({"HTTP_X_REAL_IP": value}, "X-Real-IP", settings) == seen


def test_without_the_setting_the_header_is_not_trusted(settings):
    assert address_seen({"HTTP_X_REAL_IP": "203.0.113.7"}, "", settings) == "127.0.0.1"


def test_it_runs_before_everything_that_reads_the_address():
    assert django_settings.MIDDLEWARE[0] == "civitas.core.middleware.ClientAddressMiddleware"
