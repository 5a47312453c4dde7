"""The ASGI application serves HTTP and the websocket routes collected from the apps."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from config.routing import collect_websocket_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_websocket_routes_are_collected_from_apps():
    routes = [str(p.pattern) for p in collect_websocket_urlpatterns()]
    assert "ws/notifications/" in routes


def test_http_is_served_through_asgi():
    # A page that needs no database: a connection opened by the handler's threads would outlive
    # the test and keep PostgreSQL from dropping the test database.
    async def fetch():
        communicator = HttpCommunicator(
            application, "GET", "/api/v1/openapi.json", headers=[(b"host", b"localhost")]
        )
        response = await communicator.get_response(timeout=10)
        # Django's handler waits for the client to go away before it closes the request body.
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(timeout=10)
        return response

    response = async_to_sync(fetch)()
    assert response["status"] == 200
    assert b'"openapi"' in response["body"]
    headers = {name.lower() for name, _value in response["headers"]}
    assert b"content-security-policy" in headers


def _connect(path, headers):
    async def run():
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected

    return async_to_sync(run)()


def test_signed_in_websocket_connects_with_the_session_cookie(client):
    client.force_login(UserFactory())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"cookie", cookie.encode()),
    ]
    assert _connect("/ws/notifications/", headers) is True


def test_foreign_origins_and_unknown_paths_are_refused(client):
    client.force_login(UserFactory())
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    foreign = [(b"origin", b"http://evil.example"), (b"cookie", cookie.encode())]
    assert _connect("/ws/notifications/", foreign) is False
    local = [(b"origin", b"http://localhost"), (b"cookie", cookie.encode())]
    with pytest.raises(ValueError):
        _connect("/ws/nowhere/", local)
