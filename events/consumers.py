"""The live board's websocket: forwards input to the room's screen as it is logged."""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from .services import board_group

logger = logging.getLogger(__name__)


VISIBILITY_SECONDS = 10
STOP_SECONDS = 5
_visibility: dict[int, tuple[float, bool]] = {}


@database_sync_to_async
def _board_visible_now(event_id: int) -> bool:
    from .models import EventPage

    event = EventPage.objects.live().filter(pk=event_id).first()
    return event is not None and not event.get_view_restrictions().exists()


async def board_visible(event_id: int) -> bool:
    """Whether the event's board may be watched; remembered for a few seconds, because a
    room full of screens and phones (re)connects at once and each would ask the database."""
    now = time.monotonic()
    cached = _visibility.get(event_id)
    if cached is not None and now - cached[0] < VISIBILITY_SECONDS:
        return cached[1]
    visible = await _board_visible_now(event_id)
    _visibility[event_id] = (now, visible)
    return visible


class BoardHub:
    """One channel-layer subscription per board and server process.

    A room's screens and phones on one server share it: each input reaches the process once
    (one message in the layer, not one per socket) and is written to its sockets from here.
    Boards are keyed by event loop too, so a process running several loops (tests) keeps
    them apart.
    """

    def __init__(self):
        self.sockets: dict[tuple, set] = {}
        self.readers: dict[tuple, tuple[asyncio.Task, str]] = {}
        self.locks: dict[tuple, asyncio.Lock] = {}

    @staticmethod
    def key(event_id: int) -> tuple:
        return (id(asyncio.get_running_loop()), event_id)

    async def join(self, consumer, event_id: int) -> None:
        """Subscribe the board here if no socket has yet (raises when the layer is down, the
        socket then unaccepted), then accept the socket and add it. Subscribed before the
        socket opens, so what is logged once the board can see it open reaches it."""
        key = self.key(event_id)
        async with self.locks.setdefault(key, asyncio.Lock()):
            sockets = self.sockets.get(key)
            if sockets is None:
                layer = get_channel_layer()
                channel = await layer.new_channel(prefix="events-board.")
                await layer.group_add(board_group(event_id), channel)
                sockets = self.sockets[key] = set()
                self.readers[key] = (asyncio.create_task(self._read(layer, channel, key)), channel)
            await consumer.accept()
            sockets.add(consumer)

    async def leave(self, consumer, event_id: int) -> None:
        """Remove the socket; the last one of the board here unsubscribes."""
        key = self.key(event_id)
        async with self.locks.setdefault(key, asyncio.Lock()):
            sockets = self.sockets.get(key)
            if sockets is None:
                return
            sockets.discard(consumer)
            if sockets:
                return
            del self.sockets[key]
            # The board's lock stays: a socket joining meanwhile waits on this one.
            reader, channel = self.readers.pop(key)
            # Stopped and unsubscribed here, while the socket's own task runs, not left to
            # whoever closes the event loop.
            reader.cancel()
            await asyncio.wait({reader}, timeout=STOP_SECONDS)
            try:
                await asyncio.wait_for(
                    get_channel_layer().group_discard(board_group(event_id), channel),
                    STOP_SECONDS,
                )
            except Exception:
                logger.warning("Could not leave the board group.", exc_info=True)

    async def _read(self, layer, channel: str, key: tuple) -> None:
        try:
            while True:
                message = await layer.receive(channel)
                if message.get("type") != "board.message":
                    continue
                for consumer in list(self.sockets.get(key, ())):
                    try:
                        await consumer.send(text_data=message["text"])
                    except Exception:
                        # A socket closing under us; the others still get the message.
                        logger.debug("Board socket gone while sending.", exc_info=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The layer failed (Redis gone): close the sockets, so boards fall back to polling.
            logger.warning("Channel layer unavailable; live board paused.", exc_info=True)
            for consumer in list(self.sockets.get(key, ())):
                await consumer.close(code=1011)


hub = BoardHub()


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Sends {"type": "item", "item": {...}} for each input shown and {"type": "votes", "id":
    n, "votes": n} when dots are added, through the process's BoardHub. What the board shows
    is public in the room, so no sign-in is needed; unknown or unpublished events are refused.
    """

    # No channel layer of its own (an alias that names none): the hub receives for the board,
    # so a room of sockets does not keep a room of channels waiting on the layer.
    channel_layer_alias = "events.board.no-layer"
    event_id = None

    async def connect(self):
        event_id = self.scope["url_route"]["kwargs"]["event_id"]
        if not await board_visible(event_id):
            await self.close()
            return
        try:
            await hub.join(self, event_id)
        except Exception:
            # Redis down: refuse, so the board keeps refreshing by polling.
            logger.warning("Channel layer unavailable; live board paused.", exc_info=True)
            await self.close(code=1011)
            return
        self.event_id = event_id

    async def disconnect(self, code):
        if self.event_id is not None:
            await hub.leave(self, self.event_id)

    async def receive_json(self, content, **kwargs):
        """The screen has nothing to say; messages from it are ignored."""
