"""Demo data of the feedback loop."""


def build_demo(stdout, home, users) -> None:
    """Departments, rules and cases in every state (idempotent)."""
