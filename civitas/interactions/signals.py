"""Domain events of interactions."""

from civitas.core.domain_events import DomainEvent

comment_posted = DomainEvent(
    "interactions.comment_posted",
    "A comment was posted on a contribution. Arguments: comment (Comment).",
    ("comment",),
)
support_changed = DomainEvent(
    "interactions.support_changed",
    "Someone supported or withdrew support. Arguments: target (object), user (User), "
    "supported (bool), count (int, supports after the change).",
    ("target", "user", "supported", "count"),
)
content_flagged = DomainEvent(
    "interactions.content_flagged",
    "Someone flagged an object for moderators. Arguments: flag (Flag).",
    ("flag",),
)
content_hidden = DomainEvent(
    "interactions.content_hidden",
    "A moderator hid an object. Arguments: target (object), by (User), reason (str).",
    ("target", "by", "reason"),
)
comment_edited = DomainEvent(
    "interactions.comment_edited",
    "The author changed a comment's text. Arguments: comment (Comment).",
    ("comment",),
)
comment_deleted = DomainEvent(
    "interactions.comment_deleted",
    "The author deleted a comment (its text is gone, replies stay). Arguments: comment (Comment).",
    ("comment",),
)
content_unhidden = DomainEvent(
    "interactions.content_unhidden",
    "A moderator made hidden content visible again. Arguments: target (object), by (User).",
    ("target", "by"),
)
