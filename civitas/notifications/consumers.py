"""Live notification updates over a websocket; pages work fully without it."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .models import Notification
from .services import can_receive, user_group

logger = logging.getLogger(__name__)


@database_sync_to_async
def count_unread(user_id: int) -> int:
    return Notification.objects.unread().filter(recipient_id=user_id).count()


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Joins the signed-in person's group and forwards their new notifications and unread count.

    Messages sent: {"type": "unread", "unread": n} on connect and after marking read, and
    {"type": "notification", "unread": n, "title": str, "url": str} for each new one.
    Anonymous connections are refused.
    """

    group_name = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not can_receive(user):
            await self.close()
            return
        group = user_group(user.pk)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            # Redis down: refuse, so the page keeps its server-rendered count and says "paused".
            logger.warning("Channel layer unavailable; live notifications paused.", exc_info=True)
            await self.close(code=1011)
            return
        self.group_name = group
        await self.accept()
        await self.send_json({"type": "unread", "unread": await count_unread(user.pk)})

    async def disconnect(self, code):
        if self.group_name is None:
            return
        try:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
        except Exception:
            logger.warning("Could not leave the notification group.", exc_info=True)

    async def receive_json(self, content, **kwargs):
        """The client has nothing to say; messages from it are ignored."""

    async def notification_created(self, event):
        await self.send_json(
            {
                "type": "notification",
                "unread": event["unread"],
                "title": event["title"],
                "url": event.get("url", ""),
            }
        )

    async def notification_unread(self, event):
        await self.send_json({"type": "unread", "unread": event["unread"]})
