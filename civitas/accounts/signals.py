"""Domain events of accounts."""

from django.dispatch import Signal

from civitas.core.domain_events import DomainEvent

role_assigned = DomainEvent(
    "accounts.role_assigned",
    "A user was given a role. Arguments: assignment (RoleAssignment).",
    ("assignment",),
)
account_deleted = DomainEvent(
    "accounts.account_deleted",
    "A person deleted their account; personal data is gone. Arguments: user_id (int).",
    ("user_id",),
)

# Sent inside the deletion transaction (not after commit) so apps can scrub personal data they
# hold in the same transaction. Arguments: user (User).
account_deleting = Signal()
