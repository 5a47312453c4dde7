"""The kinds of input a facilitator logs in the console, as a registry: kind -> form + handler.

A kind adds its own fields to the common ones (text, table, people, language, photos, receipt
card) and, when the input belongs to a process app, hands it to that app's service and returns
what the service created (an Idea...). Adding a kind for another app is one small module that
calls ``register_input_kind`` from ``EventsConfig.ready()``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.registry import Registry


@dataclass(frozen=True)
class InputKind:
    """`fields()` returns the kind's extra form fields; `handle(data=, text=, title=,
    language=, provenance=)` stores the input through its owning app's service and returns
    the object created there (None: events keeps it alone). `provenance` holds the keyword
    arguments every contribution service takes for offline input: channel, entered_by,
    submission_key, people_count, source (the event) and source_detail."""

    key: str
    label: str
    fields: Callable[[], dict[str, forms.Field]]
    handle: Callable | None = None
    needs_title: bool = False
    # The public address of what `handle` created, when its model has no get_absolute_url.
    url: Callable | None = None


input_kinds: Registry[InputKind] = Registry("event input kinds")


def register_input_kind(kind: InputKind) -> InputKind:
    return input_kinds.register(kind.key, kind)


def no_fields() -> dict:
    return {}


def tally_fields() -> dict:
    return {
        "tally": forms.IntegerField(
            label=_("Number of dots"),
            min_value=0,
            max_value=100_000,
            help_text=_("How many dots the option got on the board."),
        )
    }


CORE_KINDS = (
    InputKind("comment", _("Comment"), no_fields),
    InputKind("dot_vote", _("Dot-vote tally"), tally_fields, needs_title=True),
    InputKind("note", _("General note"), no_fields),
)
