"""The live board's websocket: forwards input to the room's screen as it is logged."""

import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .services import board_group

logger = logging.getLogger(__name__)


VISIBILITY_SECONDS = 10
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


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Joins the event's board group; sends {"type": "item", "item": {...}} for each input
    shown and {"type": "votes", "id": n, "votes": n} when dots are added. What the board shows
    is public in the room, so no sign-in is needed; unknown or unpublished events are refused.
    """

    group_name = None

    async def connect(self):
        event_id = self.scope["url_route"]["kwargs"]["event_id"]
        if not await board_visible(event_id):
            await self.close()
            return
        group = board_group(event_id)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            # Redis down: refuse, so the board keeps refreshing by polling.
            logger.warning("Channel layer unavailable; live board paused.", exc_info=True)
            await self.close(code=1011)
            return
        self.group_name = group
        await self.accept()

    async def disconnect(self, code):
        if self.group_name is None:
            return
        try:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
        except Exception:
            logger.warning("Could not leave the board group.", exc_info=True)

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler, through a thread
        # hop; board messages touch no database, and with a room of sockets each message would
        # pay that hop once per socket (measured: most of the fan-out time, see bench/events).
        if message["type"] == "board.message":
            await self.board_message(message)
            return
        await super().dispatch(message)

    async def receive_json(self, content, **kwargs):
        """The screen has nothing to say; messages from it are ignored."""

    async def board_message(self, event):
        """Forward a board message, already encoded as JSON by the service."""
        await self.send(text_data=event["text"])
