"""Who acts when no person does: a department's API token, named on the timeline and in the
audit log of every step it causes."""

from contextlib import contextmanager
from contextvars import ContextVar

_acting_token: ContextVar = ContextVar("feedback_loop_acting_token", default=None)


@contextmanager
def acting_token(token):
    """Attribute the case steps recorded inside the block to `token` (a DepartmentToken)."""
    reset = _acting_token.set(token)
    try:
        yield
    finally:
        _acting_token.reset(reset)


def current() -> dict:
    """{"token": id, "token_label": label} of the acting token, or {} when none acts."""
    token = _acting_token.get()
    return {"token": token.pk, "token_label": token.label} if token is not None else {}
