"""Domain events of the dummy process app (the documented convention, exercised in tests)."""

from civitas.core.domain_events import DomainEvent

note_submitted = DomainEvent(
    "dummy_process.note_submitted",
    "A note was submitted, from any channel. Arguments: note (Note).",
    ("note",),
)
