"""An election as the counting rules see it: projects with costs, a budget, ballots."""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

VOTE_TYPES = ("approval", "ordinal", "cumulative", "choose-1", "scoring")


def whole_number(text: str, what: str) -> int:
    """Parse a whole pabulib number ("1000", "1000.0", "1000,0"); ValueError otherwise."""
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be a number, not {text!r}") from None
    if value.denominator != 1:
        raise ValueError(f"{what} must be a whole number, not {text!r}")
    return int(value)


@contextmanager
def no_cycle_collection():
    """Pause Python's cyclic garbage collector while building many acyclic objects.

    Reading and grouping ballots builds a few objects per ballot and none of them form
    cycles: the collector would only rescan them, again and again (half the time of parsing
    a big city's file, two thirds of grouping its ballots). On the way out they join the
    oldest generation unscanned (freeze, then unfreeze: both move whole lists), instead of
    being scanned at once as young objects (a fifth of parsing Warszawa 2026); they are
    freed by reference counting as before. Young objects of other threads join them, so
    cyclic garbage among those waits for the next full collection. Nothing else in the
    platform freezes objects.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass(frozen=True)
class Project:
    """One project on the ballot; `cost` in whole currency units."""

    id: str
    cost: int
    name: str = ""
    category: str = ""
    target: str = ""
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: chosen project ids (best first if ordinal), points if cumulative."""

    voter_id: str
    choices: tuple[str, ...]
    points: tuple[int, ...] | None = None
    extra: dict = field(default_factory=dict, compare=False)


@dataclass
class Instance:
    """A whole election: META as text, projects in file order, ballots."""

    meta: dict[str, str]
    projects: dict[str, Project]
    ballots: list[Ballot]

    @property
    def budget(self) -> int:
        """The total budget from META `budget`, a whole number."""
        if "budget" not in self.meta:
            raise ValueError("META has no budget")
        return whole_number(self.meta["budget"], "budget")

    @property
    def vote_type(self) -> str:
        """META `vote_type` ("approval" when absent, as in pabulib)."""
        return self.meta.get("vote_type", "approval").strip().lower() or "approval"
