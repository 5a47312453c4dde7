"""Live inbox updates: after cases change, open inboxes that may show them are told.

A message names the cases that changed and those that just arrived in an inbox; it goes to
the taskforce's group and the groups of the departments that lead or contribute to those
cases. Each subscriber's consumer passes on only the cases that subscriber may see.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

TASKFORCE_GROUP = "feedback.taskforce"


def department_group(department_id: int) -> str:
    return f"feedback.department.{department_id}"


def contributing_department_ids(case_ids) -> set[int]:
    """Ids of the departments asked to contribute to any of the cases (one query)."""
    from .models import Case

    if not case_ids:
        return set()
    through = Case.contributing_departments.through
    return set(
        through.objects.filter(case_id__in=list(case_ids)).values_list("department_id", flat=True)
    )


def push_changed(department_ids, *, case_ids=(), added=()) -> None:
    """Tell the taskforce's inboxes, those of the given departments and those of the
    departments contributing to `case_ids` (or `added`) that cases changed; `added` are the
    ids of cases that just arrived in an inbox (new, routed, assigned, returned, invited).

    A convenience only: inboxes are complete on reload, so a down channel layer is logged.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    added = sorted(set(added))
    try:
        ids = set(department_ids) | contributing_department_ids({*case_ids, *added})
        groups = [TASKFORCE_GROUP, *(department_group(i) for i in sorted(ids) if i)]

        async def send_all():
            for group in groups:
                await layer.group_send(group, {"type": "cases.changed", "added": added})

        async_to_sync(send_all)()
    except Exception:
        logger.warning("Live inbox push failed; inboxes update on reload.", exc_info=True)
