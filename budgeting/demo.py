"""Demo data for budgeting (filled in below)."""


def build_demo(*, stdout, home, users) -> None:
    """Build the demo rounds (idempotent)."""
