"""Personal data held by notifications, for "download my data"."""

from .models import Notification, NotificationPreference


def export_notifications(user) -> dict:
    """The person's notifications and delivery preferences."""
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "preferences": [
            {"kind": p.kind, "in_app": p.in_app, "email": p.email}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
    }
