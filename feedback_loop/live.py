"""Live inbox updates: after a case changes, open inboxes that show it are told to refresh."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

TASKFORCE_GROUP = "feedback.taskforce"


def department_group(department_id: int) -> str:
    return f"feedback.department.{department_id}"


def push_changed(department_ids) -> None:
    """Tell the taskforce's inboxes and those of the given departments that cases changed.

    A convenience only: inboxes are complete on reload, so a down channel layer is logged.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [TASKFORCE_GROUP, *(department_group(i) for i in sorted(department_ids) if i)]

    async def send_all():
        for group in groups:
            await layer.group_send(group, {"type": "cases.changed"})

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("Live inbox push failed; inboxes update on reload.", exc_info=True)
