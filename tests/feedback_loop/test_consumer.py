"""Live inbox counters: real ASGI application and channel layer; subscriptions follow the rules."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType

from config.asgi import application
from feedback_loop import services
from tests.notifications.test_consumer import assert_refused, signed_in_headers

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/feedback/inbox/"


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


def test_member_hears_own_department_only(
    client,
    channel_layer_settings,
    submit,
    rules,
    topic,
    other_topic,
    streets_member,
    taskforce,
    case_of,
):
    headers = signed_in_headers(client, streets_member)
    parks_case = case_of(submit(topic=other_topic))

    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _ = await socket.connect(timeout=10)
        assert connected
        first = await socket.receive_json_from(timeout=10)
        assert first["counts"]["open"] == 0 and first["changed"] is False
        await database_sync_to_async(submit)(topic=topic)
        update = await socket.receive_json_from(timeout=10)
        assert update["counts"]["open"] == 1 and update["changed"] is True
        # Drain the remaining pushes of that submission, then a Parks change says nothing here.
        while not await socket.receive_nothing(timeout=0.5):
            await socket.receive_json_from(timeout=1)
        await database_sync_to_async(services.case_set_priority)(
            case=parks_case, priority=4, by=taskforce
        )
        assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


def test_subscribing_to_another_department_is_refused(
    client,
    channel_layer_settings,
    parks,
    streets_member,
):
    headers = signed_in_headers(client, streets_member)

    async_to_sync(assert_refused)(f"{PATH}?department={parks.pk}", headers)


def test_residents_are_refused(client, channel_layer_settings, resident):
    headers = signed_in_headers(client, resident)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH, headers=headers)
        connected, _ = await socket.connect(timeout=10)
        assert not connected

    async_to_sync(scenario)()
