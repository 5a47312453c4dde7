"""The kinds of input a facilitator logs in the console, as a registry: kind -> form + handler.

A kind adds its own fields to the common ones (text, table, people, language, photos, receipt
card) and, when the input belongs to a process app, hands it to that app's service and returns
what the service created (an Idea...). Adding a kind for another app is one small module that
calls ``register_input_kind`` from ``EventsConfig.ready()``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from civitas.core.registry import Registry


@dataclass(frozen=True)
class InputKind:
    """`fields(params)` returns the kind's extra form fields, which may depend on choices
    already made (`params`: the posted or query data, e.g. which survey); `handle(data=,
    text=, title=, language=, provenance=)` stores the input through its owning app's service
    and returns the object created there (None: events keeps it alone). `provenance` holds
    the keyword arguments every contribution service takes for offline input: channel,
    entered_by, submission_key, people_count, source (the event) and source_detail."""

    key: str
    label: str
    fields: Callable[[Mapping], dict[str, forms.Field]]
    handle: Callable | None = None
    needs_title: bool = False
    # The public address of what `handle` created, when its model has no get_absolute_url.
    url: Callable | None = None
    # Kinds whose form is the whole input (a paper sheet) need no free text; `describe(data)`
    # then gives the line the console and the closing report show for it.
    describe: Callable[[dict], str] | None = None
    # Kept off the live board (a survey sheet, a ballot is not something to show the room).
    on_board: bool = True
    # A secret ballot: no photos and no receipt card may be attached, for one person only.
    secret: bool = False
    # The kind field that picks what the rest of the form asks (a survey, a budget round):
    # chosen first, by a plain GET form, so the questions shown are the chosen one's.
    chooser: str = ""

    @property
    def needs_text(self) -> bool:
        return self.describe is None


input_kinds: Registry[InputKind] = Registry("event input kinds")


def register_input_kind(kind: InputKind) -> InputKind:
    return input_kinds.register(kind.key, kind)


def chosen(params: Mapping, name: str, queryset):
    """The object picked under `name` in `params`, else the queryset's first; None if empty."""
    raw = str(params.get(name, ""))
    found = queryset.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    return found or queryset.first()


def chooser(params: Mapping, name: str, field_class, queryset, **kwargs):
    """(the object picked under `name`, the choice field picking it) for a kind's `chooser`."""
    picked = chosen(params, name, queryset)
    initial = picked.pk if picked else None
    return picked, field_class(queryset=queryset, empty_label=None, initial=initial, **kwargs)


def as_post(data: dict) -> QueryDict:
    """Cleaned values back in the shape of posted form data, for an app's own form reader."""
    post = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list | tuple):
            post.setlist(name, [str(v) for v in value])
        elif value not in (None, ""):
            post[name] = str(value)
    return post


def no_fields(params: Mapping) -> dict:
    return {}


def tally_fields(params: Mapping) -> dict:
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
