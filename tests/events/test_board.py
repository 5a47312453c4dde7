"""The live board: participants' input, moderation, dots, polling and the websocket."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from events import consumers, services
from events.models import BoardState, BoardVote, EventInput
from tests.factories import UserFactory
from tests.notifications.conftest import (  # noqa: F401  (fixtures)
    channel_layer_settings,
    dead_channel_layer,
)
from tests.notifications.test_consumer import assert_refused

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
def forget_board_visibility():
    """Consumers remember for a few seconds whether a board may be watched; ids repeat."""
    consumers._visibility.clear()
    yield
    consumers._visibility.clear()


@pytest.mark.django_db
def test_participants_post_anonymously_with_a_receipt_code(client, live_event):
    response = client.post(
        f"{live_event.url}join/", {"text": "More light", "submission_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    item = EventInput.objects.get()
    assert item.author is None and item.receipt_code
    assert item.board_state == BoardState.SHOWN
    assert item.receipt_code in client.get(f"{live_event.url}join/").content.decode()
    items = client.get(f"{live_event.url}board/items/").json()["items"]
    assert [i["text"] for i in items] == ["More light"]


@pytest.mark.django_db
def test_the_board_takes_input_only_while_the_event_is_on(client, event):
    page = client.get(f"{event.url}join/")
    assert page.status_code == 200
    assert "while the event is on" in page.content.decode()
    assert client.post(f"{event.url}join/", {"text": "Too early"}).status_code == 403
    assert not EventInput.objects.exists()


@pytest.mark.django_db
def test_bad_board_input_is_refused_with_a_message(client, live_event):
    response = client.post(f"{live_event.url}join/", {"text": "   "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not EventInput.objects.exists()


@pytest.mark.django_db
def test_moderated_boards_show_input_after_approval(client, make_event, facilitator_of):
    event = make_event(title="Moderated", sessions=((-0.02, 3, 30),), board_moderated=True)
    facilitator = facilitator_of(event)
    item, _created = services.board_post(event=event, author=None, text="Hello room")
    assert item.board_state == BoardState.PENDING
    assert client.get(f"{event.url}board/items/").json()["items"] == []
    client.force_login(UserFactory())
    assert client.post(f"{event.url}console/moderate/{item.pk}/", {"show": "1"}).status_code == 403
    client.force_login(facilitator)
    assert client.post(f"{event.url}console/moderate/{item.pk}/", {"show": "1"}).status_code == 302
    assert [i["id"] for i in client.get(f"{event.url}board/items/").json()["items"]] == [item.pk]


@pytest.mark.django_db
def test_one_dot_per_person_and_input(client, live_event):
    item, _created = services.board_post(event=live_event, author=None, text="Benches")
    url = f"{live_event.url}join/vote/{item.pk}/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    other = client.__class__()
    assert other.post(url).status_code == 302
    item.refresh_from_db()
    assert item.dot_votes == 2
    assert BoardVote.objects.count() == 2


@pytest.mark.django_db
def test_the_screen_renders_complete_and_refreshes_without_javascript(client, live_event):
    services.board_post(event=live_event, author=None, text="Shown without scripts")
    page = client.get(f"{live_event.url}board/").content.decode()
    assert "Shown without scripts" in page
    assert 'http-equiv="refresh"' in page
    assert live_event.join_code in page


@pytest.mark.django_db
def test_unpublished_events_have_no_board(client, make_event):
    hidden = make_event(title="Draft", sessions=((-0.02, 3, 30),), live=False)
    assert client.get(f"{hidden.url}board/items/").status_code == 404


PATH = "/ws/events/{}/board/"


@pytest.mark.django_db(transaction=True)
def test_input_appears_live_on_the_board(
    channel_layer_settings,  # noqa: F811
    make_event,
    facilitator_of,
):
    event = make_event(title="Live", sessions=((-0.02, 3, 30),))
    facilitator = facilitator_of(event)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH.format(event.pk), headers=[ORIGIN])
        connected, _subprotocol = await socket.connect(timeout=10)
        assert connected
        item, _created = await database_sync_to_async(services.input_log)(
            event=event,
            by=facilitator,
            kind="note",
            text="Logged at table 2",
            source_detail="Table 2",
            submission_key=uuid.uuid4(),
        )
        message = await socket.receive_json_from(timeout=10)
        assert message["type"] == "item"
        assert message["item"]["id"] == item.pk
        assert message["item"]["text"] == "Logged at table 2"
        assert message["item"]["table"] == "Table 2"
        votes = await database_sync_to_async(services.board_vote)(item=item, voter_key="k1")
        assert await socket.receive_json_from(timeout=10) == {
            "type": "votes",
            "id": item.pk,
            "votes": votes,
        }
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_pending_input_stays_off_the_live_board(channel_layer_settings, make_event):  # noqa: F811
    event = make_event(title="Moderated", sessions=((-0.02, 3, 30),), board_moderated=True)

    async def scenario():
        socket = WebsocketCommunicator(application, PATH.format(event.pk), headers=[ORIGIN])
        assert (await socket.connect(timeout=10))[0]
        item, _created = await database_sync_to_async(services.board_post)(
            event=event, author=None, text="Needs a look"
        )
        assert await socket.receive_nothing(timeout=0.5)
        await database_sync_to_async(services.board_moderate)(item=item, by=None, show=True)
        message = await socket.receive_json_from(timeout=10)
        assert message["item"]["text"] == "Needs a look"
        await socket.disconnect(timeout=10)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_unknown_or_unpublished_events_refuse_sockets(channel_layer_settings, make_event):  # noqa: F811
    draft = make_event(title="Draft", live=False)

    for event_id in (draft.pk, 999_999):
        async_to_sync(assert_refused)(PATH.format(event_id), [ORIGIN])


@pytest.mark.django_db(transaction=True)
def test_one_small_message_per_input_whatever_the_number_of_screens(
    channel_layer_settings,  # noqa: F811
    make_event,
    facilitator_of,
    monkeypatch,
):
    from channels.layers import get_channel_layer

    event = make_event(title="Big room", sessions=((-0.02, 3, 30),))
    facilitator = facilitator_of(event)
    layer = get_channel_layer()
    sends = []
    original = layer.group_send

    async def counting_send(group, message):
        sends.append((group, len(message["text"])))
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", counting_send)
    long_text = "Shade and water. " * 60

    async def scenario():
        screens = [
            WebsocketCommunicator(application, PATH.format(event.pk), headers=[ORIGIN])
            for _n in range(3)
        ]
        for screen in screens:
            assert (await screen.connect(timeout=10))[0]
        item, _created = await database_sync_to_async(services.input_log)(
            event=event, by=facilitator, kind="note", text=long_text, submission_key=uuid.uuid4()
        )
        for screen in screens:
            message = await screen.receive_json_from(timeout=10)
            assert message["item"]["id"] == item.pk
            assert message["item"]["text"] == long_text[: services.PUSH_TEXT_LIMIT]
            assert message["item"]["more"] is True
            assert await screen.receive_nothing(timeout=0.2)
            await screen.disconnect(timeout=10)

    async_to_sync(scenario)()
    assert len(sends) == 1
    group, size = sends[0]
    assert group == services.board_group(event.pk) and size < 500


@pytest.mark.django_db(transaction=True)
def test_sockets_of_one_board_share_one_subscription_per_process(
    channel_layer_settings,  # noqa: F811
    make_event,
    facilitator_of,
):
    event = make_event(title="Shared", sessions=((-0.02, 3, 30),))
    facilitator = facilitator_of(event)

    async def log(text):
        await database_sync_to_async(services.input_log)(
            event=event, by=facilitator, kind="note", text=text, submission_key=uuid.uuid4()
        )

    async def scenario():
        first, second = (
            WebsocketCommunicator(application, PATH.format(event.pk), headers=[ORIGIN])
            for _n in range(2)
        )
        assert (await first.connect(timeout=10))[0] and (await second.connect(timeout=10))[0]
        key = consumers.hub.key(event.pk)
        assert len(consumers.hub.sockets[key]) == 2 and len(consumers.hub.readers) == 1
        await log("For both")
        assert (await first.receive_json_from(timeout=10))["item"]["text"] == "For both"
        assert (await second.receive_json_from(timeout=10))["item"]["text"] == "For both"
        await first.disconnect(timeout=10)
        await log("For the one left")
        assert (await second.receive_json_from(timeout=10))["item"]["text"] == "For the one left"
        await second.disconnect(timeout=10)
        assert key not in consumers.hub.sockets and key not in consumers.hub.readers

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_with_the_layer_down_the_board_socket_closes_so_the_page_polls(
    dead_channel_layer,  # noqa: F811
    live_event,
):
    async def scenario():
        socket = WebsocketCommunicator(application, PATH.format(live_event.pk), headers=[ORIGIN])
        connected, code = await socket.connect(timeout=10)
        assert (connected, code) == (False, 1011)
        assert consumers.hub.key(live_event.pk) not in consumers.hub.sockets

    async_to_sync(scenario)()
