"""Domain events of the events app, sent by its services after their transaction commits."""

from civitas.core.domain_events import DomainEvent

registration_created = DomainEvent(
    "events.registration_created",
    "A person registered for a session, confirmed or on the waiting list. Arguments: "
    "registration (Registration).",
    ("registration",),
)
registration_cancelled = DomainEvent(
    "events.registration_cancelled",
    "A registration was cancelled. Arguments: registration (Registration).",
    ("registration",),
)
registration_promoted = DomainEvent(
    "events.registration_promoted",
    "A place freed up and a waiting-list registration was confirmed. Arguments: "
    "registration (Registration).",
    ("registration",),
)
offline_input_logged = DomainEvent(
    "events.offline_input_logged",
    "Input gathered at an event was logged (by a facilitator, channel offline_event, or by a "
    "participant on the live board). Arguments: item (EventInput; item.target is what the "
    "owning app created for it, e.g. an Idea, or None).",
    ("item",),
)
attendance_recorded = DomainEvent(
    "events.attendance_recorded",
    "A facilitator recorded how many people came (aggregates only). Arguments: "
    "attendance (Attendance).",
    ("attendance",),
)
