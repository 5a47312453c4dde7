"""Live inbox counters and new rows over a websocket; inboxes work fully without it.

A person joins only the groups of what they may see: the taskforce group for the taskforce,
their own departments' groups for department members. Asking for another department's
counters is refused. The ids of cases that arrived are passed on only when the subscriber may
see them in the inbox they follow; the page then fetches each row, which is checked again.
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import TASKFORCE_GROUP, department_group

logger = logging.getLogger(__name__)

# More cases than this arriving at once (a batch routing) are not listed one by one: the
# page offers a reload instead.
MAX_ADDED = 50


@database_sync_to_async
def allowed_groups(user, department_id):
    """(groups, department or None) the person may follow; None when not allowed."""
    from .models import Department
    from .rules import department_ids
    from .selectors import sees_all_cases

    if not user.has_perm("feedback_loop.view_inbox"):
        return None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None or not user.has_perm("feedback_loop.view_department", department):
            return None
        return [department_group(department.pk)]
    if sees_all_cases(user):
        return [TASKFORCE_GROUP]
    return [department_group(i) for i in sorted(department_ids(user))]


def _inbox_cases(user, department_id):
    from .models import CaseState
    from .selectors import cases_visible_to, of_departments

    cases = cases_visible_to(user).exclude(state=CaseState.MERGED)
    if department_id is not None:
        cases = cases.filter(of_departments([department_id]))
    return cases


@database_sync_to_async
def counts_for(user, department_id, added=()):
    """(counters, ids of the `added` cases the person may see in this inbox)."""
    from civitas.accounts.roles import forget_roles

    from .selectors import inbox_counts

    if added:
        # Roles are read again before naming cases: a role taken away stops the rows at once.
        forget_roles(user)
    cases = _inbox_cases(user, department_id)
    visible = []
    if added:
        visible = sorted(cases.filter(pk__in=list(added)).values_list("pk", flat=True))
    return inbox_counts(cases), visible


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Sends {"type": "counts", "counts": {...}, "changed": bool, "added": [case ids]} on
    connect and on changes; `added` holds only cases this person may see in this inbox."""

    groups_joined: list = []

    async def connect(self):
        user = self.scope.get("user")
        self.groups_joined = []
        self.department_id = None
        if user is None or not user.is_authenticated:
            await self.close()
            return
        query = self.scope.get("query_string", b"").decode()
        for part in query.split("&"):
            key, _sep, value = part.partition("=")
            if key == "department":
                if not value.isdigit():
                    await self.close()
                    return
                self.department_id = int(value)
        groups = await allowed_groups(user, self.department_id)
        if groups is None:
            await self.close(code=4403)
            return
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            logger.warning("Channel layer unavailable; live inbox paused.", exc_info=True)
            await self.close(code=1011)
            return
        self.groups_joined = groups
        await self.accept()
        await self.send_counts(changed=False)

    async def disconnect(self, code):
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("Could not leave an inbox group.", exc_info=True)

    async def receive_json(self, content, **kwargs):
        """The client has nothing to say; messages from it are ignored."""

    async def send_counts(self, *, changed: bool, added=()):
        counts, visible = await counts_for(self.scope["user"], self.department_id, added)
        await self.send_json(
            {"type": "counts", "counts": counts, "changed": changed, "added": visible}
        )

    async def cases_changed(self, event):
        added = [pk for pk in event.get("added", ()) if isinstance(pk, int)][:MAX_ADDED]
        await self.send_counts(changed=True, added=added)
