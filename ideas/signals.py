"""Domain events of the ideas app, sent by its services after their transaction commits."""

from civitas.core.domain_events import DomainEvent

idea_submitted = DomainEvent(
    "ideas.idea_submitted",
    "An idea was submitted, from any channel. Arguments: idea (Idea).",
    ("idea",),
)
idea_edited = DomainEvent(
    "ideas.idea_edited",
    "The author changed an idea's text, topic, district or place. Arguments: idea (Idea).",
    ("idea",),
)
idea_withdrawn = DomainEvent(
    "ideas.idea_withdrawn",
    "The author withdrew an idea; it is no longer listed. Arguments: idea (Idea).",
    ("idea",),
)
idea_status_changed = DomainEvent(
    "ideas.idea_status_changed",
    "An idea's status or official answer changed. Arguments: idea (Idea), old_status (str, "
    "an IdeaStatus value), by (User or None: who set it).",
    ("idea", "old_status", "by"),
)
