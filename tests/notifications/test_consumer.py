"""The live channel: real ASGI application, real session cookie, real channel layer."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from civitas.notifications.services import notifications_mark_all_read, notify
from config.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """An earlier transactional test may have flushed the database without recreating content
    types; the cache would still hand out the ids of rows that are gone."""
    ContentType.objects.clear_cache()


PATH = "/ws/notifications/"
ORIGIN = (b"origin", b"http://localhost")


def signed_in_headers(client, user):
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [ORIGIN, (b"cookie", cookie.encode())]


async def assert_refused(path, headers) -> None:
    """The socket at `path` is refused; then it is disconnected, so that the consumer ends
    before the event loop does (a receive left waiting on the Redis layer, cancelled when
    the loop closes, could hang the test)."""
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await socket.connect(timeout=10)
    assert not connected
    await socket.disconnect(timeout=10)


def test_signed_in_person_hears_new_notifications_live(client, channel_layer_settings):
    person = UserFactory()
    stranger = UserFactory()
    headers = signed_in_headers(client, person)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _subprotocol = await socket.connect(timeout=10)
        assert connected
        assert await socket.receive_json_from(timeout=10) == {"type": "unread", "unread": 0}

        await database_sync_to_async(notify)(
            recipients=[person], kind="interactions.reply", title="Someone replied", url="/p/"
        )
        assert await socket.receive_json_from(timeout=10) == {
            "type": "notification",
            "unread": 1,
            "title": "Someone replied",
            "url": "/p/",
        }
        # Other people's news stays with them.
        await database_sync_to_async(notify)(
            recipients=[stranger], kind="interactions.reply", title="Not yours"
        )
        assert await socket.receive_nothing(timeout=0.5)

        await database_sync_to_async(notifications_mark_all_read)(user=person)
        assert await socket.receive_json_from(timeout=10) == {"type": "unread", "unread": 0}
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


def test_anonymous_sockets_are_refused(channel_layer_settings):
    async_to_sync(assert_refused)(PATH, [ORIGIN])


def test_foreign_origins_are_refused(client, channel_layer_settings):
    headers = [(b"origin", b"https://evil.example"), *signed_in_headers(client, UserFactory())[1:]]

    async_to_sync(assert_refused)(PATH, headers)


def test_a_dead_channel_layer_closes_the_socket_and_pages_keep_working(client, dead_channel_layer):
    person = UserFactory()
    headers = signed_in_headers(client, person)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        connected, code = await socket.connect(timeout=10)
        assert not connected
        assert code == 1011

    async_to_sync(scenario)()
    assert client.get("/notifications/").status_code == 200
