"""Personal data held by interactions, for "download my data"."""

from .models import Comment, Flag, Follow, Support


def _target(obj) -> dict:
    return {"type": obj.target_type.model_class()._meta.label_lower, "id": obj.target_id}


def export_interactions(user) -> dict:
    """Comments, supports, follows and flags the person made."""
    return {
        "comments": [
            {
                **_target(c),
                "body": c.body,
                "created_at": c.created_at.isoformat(),
                "deleted": c.deleted_at is not None,
            }
            for c in Comment.objects.filter(author=user).select_related("target_type")
        ],
        "supports": [
            {**_target(s), "created_at": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).select_related("target_type")
        ],
        "follows": [
            {**_target(f), "created_at": f.created_at.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("target_type")
        ],
        "flags": [
            {
                **_target(f),
                "reason": f.reason,
                "details": f.details,
                "created_at": f.created_at.isoformat(),
            }
            for f in Flag.objects.filter(reporter=user).select_related("target_type")
        ],
    }
