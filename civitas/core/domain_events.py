"""Domain events: documented signals that services send after their transaction commits.

Convention (every app follows it):

* each app declares its events in ``<app>/signals.py`` as ``DomainEvent`` instances whose
  ``doc`` names the keyword arguments;
* services send them with ``event.send_on_commit(sender=Model, **kwargs)`` inside their
  ``transaction.atomic()`` block, so receivers only hear about state that was really saved;
* only feedback_loop (and the kernel's notifications) connect receivers; process apps never
  listen to each other.
"""

from django.db import transaction
from django.dispatch import Signal

from .registry import Registry

domain_events: Registry["DomainEvent"] = Registry("domain events")


class DomainEvent(Signal):
    """A documented signal that is sent only after the surrounding transaction commits."""

    def __init__(self, name: str, doc: str, arguments: tuple[str, ...]):
        super().__init__()
        self.name = name
        self.__doc__ = doc
        self.doc = doc
        self.arguments = arguments
        domain_events.register(name, self)

    def send_on_commit(self, sender, **kwargs) -> None:
        """Send the event once the current transaction commits (at once when there is none)."""
        unknown = set(kwargs) - set(self.arguments)
        missing = set(self.arguments) - set(kwargs)
        if unknown or missing:
            raise TypeError(
                f"{self.name}: arguments must be {self.arguments}, "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        transaction.on_commit(lambda: self.send(sender=sender, **kwargs), robust=False)

    def __repr__(self) -> str:
        return f"<DomainEvent {self.name}({', '.join(self.arguments)})>"
