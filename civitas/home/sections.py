"""Home page sections. The kernel declares the slots; feature apps fill them via hooks.

A feature app registers a provider with::

    @hooks.register("civitas_home_section")
    def upcoming_events():
        return HomeSection("upcoming_events", template="events/home_section.html",
                           get_context=lambda request: {...})

Slots that no app fills render their empty message instead of breaking the page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@dataclass(frozen=True)
class SectionSlot:
    key: str
    title: str
    empty_message: str


SLOTS = [
    SectionSlot(
        "open_processes",
        _("Take part now"),
        _("There are no open processes right now. Check back soon."),
    ),
    SectionSlot(
        "upcoming_events",
        _("Upcoming events"),
        _("No events are planned yet."),
    ),
    SectionSlot(
        "funded_projects",
        _("Projects funded by your votes"),
        _("No project has been funded by a participatory budget yet."),
    ),
    SectionSlot(
        "recent_answers",
        _("How your input was used"),
        _("No answers have been published yet."),
    ),
]


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    get_context: Callable = field(default=lambda request: {})


def slot_choices():
    return [(slot.key, slot.title) for slot in SLOTS]


def providers() -> dict[str, HomeSection]:
    """Sections registered by apps through the ``civitas_home_section`` hook, by slot key."""
    found = {}
    for hook in hooks.get_hooks("civitas_home_section"):
        section = hook()
        found[section.key] = section
    return found
