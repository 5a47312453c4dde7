"""Reads of the participation kernel."""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone
from wagtail.models import Page

from .models import Phase

STATUS_ORDER = ("active", "between", "upcoming", "finished")


def public_processes():
    """Live, public pages that have phases, with phases prefetched (specific pages)."""
    return (
        Page.objects.live()
        .public()
        .filter(phases__isnull=False)
        .distinct()
        .order_by("path")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_at")))
        .specific()
    )


def processes_by_status(at=None) -> dict[str, list]:
    """Public processes grouped as active / between / upcoming / finished, in a fixed
    number of queries whatever the number of processes."""
    at = at or timezone.now()
    groups: dict[str, list] = defaultdict(list)
    for page in public_processes():
        if not hasattr(page, "status"):
            continue
        groups[page.status(at)].append(page)
    return {status: groups.get(status, []) for status in STATUS_ORDER}
