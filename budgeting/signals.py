"""Domain events of the budgeting app, sent by its services after their transaction commits.

Ballot events carry counts only: nothing a receiver hears links a person to what they chose.
"""

from civitas.core.domain_events import DomainEvent

proposal_submitted = DomainEvent(
    "budgeting.proposal_submitted",
    "A proposal was submitted to a round, from any channel. Arguments: proposal (Proposal).",
    ("proposal",),
)
proposal_edited = DomainEvent(
    "budgeting.proposal_edited",
    "The author changed a proposal. Arguments: proposal (Proposal), fields (list of str).",
    ("proposal", "fields"),
)
proposal_reviewed = DomainEvent(
    "budgeting.proposal_reviewed",
    "A department recorded a proposal's feasibility, reason, cost or department. Arguments: "
    "proposal (Proposal), old_status (str, a ProposalStatus value), by (User or None).",
    ("proposal", "old_status", "by"),
)
proposal_merged = DomainEvent(
    "budgeting.proposal_merged",
    "A proposal was merged into another. Arguments: proposal (Proposal: the one merged away), "
    "into (Proposal), by (User or None).",
    ("proposal", "into", "by"),
)
ballots_cast = DomainEvent(
    "budgeting.ballots_cast",
    "Ballots were cast or replaced in a round (never which ballot nor by whom). Arguments: "
    "round (BudgetRoundPage), count (int: ballots now in the round), channel (str).",
    ("round", "count", "channel"),
)
result_published = DomainEvent(
    "budgeting.result_published",
    "A round's result was published; funded proposals are marked. Arguments: round "
    "(BudgetRoundPage), tally (Tally).",
    ("round", "tally"),
)
implementation_updated = DomainEvent(
    "budgeting.implementation_updated",
    "A funded project's implementation status, progress or news changed. Arguments: "
    "proposal (Proposal), update (ImplementationUpdate or None).",
    ("proposal", "update"),
)
