"""Reads of notifications."""

from .models import Notification


def unread_count(user) -> int:
    """Unread in-app notifications of the user (one query, cached on the user object)."""
    cached = getattr(user, "_civitas_unread", None)
    if cached is None:
        cached = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        user._civitas_unread = cached
    return cached
