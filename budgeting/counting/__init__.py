"""Counting engine for participatory budgeting: pabulib files in and out, exact counting rules.

Pure Python, no Django: the budgeting app, management commands and benchmarks all call it.
"""

from budgeting.counting.instance import Ballot, Instance, Project
from budgeting.counting.pabulib import PabulibError, parse, write
from budgeting.counting.rules import RULES, Outcome, tally

__all__ = [
    "RULES",
    "Ballot",
    "Instance",
    "Outcome",
    "PabulibError",
    "Project",
    "parse",
    "tally",
    "write",
]
