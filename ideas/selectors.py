"""Reads of the ideas app that are more than a one-liner."""

from .models import Idea


def personal_data(user) -> list[dict]:
    """Every idea `user` wrote, for "download my data"."""
    return [
        {
            "id": idea.pk,
            "challenge": idea.process.title if idea.process_id else None,
            "title": idea.title,
            "body": idea.body,
            "location_text": idea.location_text,
            "latitude": str(idea.latitude) if idea.latitude is not None else None,
            "longitude": str(idea.longitude) if idea.longitude is not None else None,
            "channel": idea.channel,
            "language": idea.language,
            "status": idea.status,
            "created_at": idea.created_at.isoformat(),
            "withdrawn_at": idea.withdrawn_at.isoformat() if idea.withdrawn_at else None,
        }
        for idea in Idea.objects.filter(author=user).select_related("process").order_by("pk")
    ]
