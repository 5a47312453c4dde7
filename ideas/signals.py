"""Domain events of the ideas app, sent after the transaction that made the change commits.

Supports and hiding are done by the kernel's interactions services; the ideas app relays their
events for ideas as ``idea_supported`` and ``idea_hidden`` (receivers.py), so listeners only
need the ideas events.
"""

from civitas.core.domain_events import DomainEvent

idea_submitted = DomainEvent(
    "ideas.idea_submitted",
    "An idea was submitted, from any channel. Arguments: idea (Idea).",
    ("idea",),
)
idea_edited = DomainEvent(
    "ideas.idea_edited",
    "An idea's text, topic, district, place or image changed: edited by its author, or by a "
    "moderator (an edit for privacy, or the image removed). Arguments: idea (Idea), fields "
    "(list of str, the names of the changed fields), by (User or None: who edited), "
    "by_moderator (bool: True for a moderator's change, False for the author's).",
    ("idea", "fields", "by", "by_moderator"),
)
idea_withdrawn = DomainEvent(
    "ideas.idea_withdrawn",
    "The author withdrew an idea; it is no longer listed. Arguments: idea (Idea).",
    ("idea",),
)
idea_status_changed = DomainEvent(
    "ideas.idea_status_changed",
    "An idea's status or official answer changed. Arguments: idea (Idea; idea.status is the "
    "IdeaStatus row, whose meaning says what it stands for), old_status (str, the code of the "
    "status before), by (User or None: who set it).",
    ("idea", "old_status", "by"),
)
idea_supported = DomainEvent(
    "ideas.idea_supported",
    "An idea's number of supports changed. Arguments: idea (Idea), user (User or None: None "
    "when supports were carried over by a merge), supported (bool: added or taken back), "
    "count (int, supports after the change).",
    ("idea", "user", "supported", "count"),
)
idea_merged = DomainEvent(
    "ideas.idea_merged",
    "A moderator merged a duplicate into another idea, which now holds its supports and "
    "followers. Arguments: idea (Idea, the merged duplicate), into (Idea, the one kept), "
    "by (User).",
    ("idea", "into", "by"),
)
idea_hidden = DomainEvent(
    "ideas.idea_hidden",
    "A moderator hid an idea; it is no longer shown and its author was told. Arguments: "
    "idea (Idea), by (User), reason (str, shown to the author).",
    ("idea", "by", "reason"),
)
