"""Domain errors raised by services and shown to people by views."""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A rule of the platform was not met; ``message`` is translated and safe to show."""

    status_code = 400

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotAllowed(DomainError, PermissionDenied):
    """The person may not do this now (wrong role or phase)."""

    status_code = 403


class Conflict(DomainError):
    """The action clashes with the current state (already done, closed, merged...)."""

    status_code = 409
