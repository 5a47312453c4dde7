"""Counting rules for participatory budgeting, in exact arithmetic.

Every decision (who wins, who is skipped, where ties fall) is taken on integers or fractions, never
on floats, so outcomes are reproducible and equal those of pabutools where pabutools has the rule.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from budgeting.counting.instance import Instance

RULES: tuple[str, ...] = (
    "greedy",
    "greedy-per-cost",
    "mes",
    "mes-approval",
    "mes-add1",
    "mes-add1-greedy",
    "mes-add1-max",
    "greedy-no-skip",
    "greedy-threshold",
)
TIE_ORDERS: tuple[str, ...] = ("pabutools", "equalshares", "custom")


@dataclass
class Outcome:
    """The result of counting: winners in selection order, money spent, how it was decided."""

    rule: str
    winners: list[str]
    spent: int
    tie_order: str
    voter_budget: Fraction | None
    steps: list[dict] = field(default_factory=list)
    completion: str = ""  # "greedy" when a greedy pass spent what MES left over


class CountingError(ValueError):
    """Counting was asked for something it cannot do (unknown rule, missing threshold...)."""


def tally(
    instance: Instance,
    rule: str,
    *,
    tie_order: str = "pabutools",
    tie_key: dict[str, int] | None = None,
    threshold: int | None = None,
    scores=None,
    exclude_unsupported: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Count `instance` with `rule` (one of RULES); raise CountingError on a bad request."""
    raise NotImplementedError("the rules are being written")
