"""Domain events of the feedback loop, sent by its services after their transaction commits."""

from civitas.core.domain_events import DomainEvent

case_created = DomainEvent(
    "feedback_loop.case_created",
    "A contribution became a case (before routing). Arguments: case (Case).",
    ("case",),
)
answer_published = DomainEvent(
    "feedback_loop.answer_published",
    "A case's answer was published and its inputs' owning apps told. Arguments: case (Case), "
    "answer (Answer).",
    ("case", "answer"),
)
