"""The live board's websocket: forwards input to the room's screen as it is logged."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .services import board_group

logger = logging.getLogger(__name__)


@database_sync_to_async
def board_visible(event_id: int) -> bool:
    from .models import EventPage

    event = EventPage.objects.live().filter(pk=event_id).first()
    return event is not None and not event.get_view_restrictions().exists()


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

    async def receive_json(self, content, **kwargs):
        """The screen has nothing to say; messages from it are ignored."""

    async def board_item(self, event):
        await self.send_json({"type": "item", "item": event["item"]})

    async def board_votes(self, event):
        await self.send_json({"type": "votes", "id": event["id"], "votes": event["votes"]})
