"""Who may do what with events: role x context x time. Permissions are decided here only."""

import rules
from django.utils import timezone

from civitas.participation.predicates import (
    is_administrator,
    is_editor,
    is_facilitator_of,
    is_participant,
    is_taskforce,
)


def _event_of(obj):
    """The EventPage of an event, a session, a registration or an input."""
    if obj is None:
        return None
    for attribute in ("event", "page"):
        related = getattr(obj, attribute, None)
        if related is not None and hasattr(related, "session_list"):
            return related
    session = getattr(obj, "session", None)
    if session is not None:
        return session.page
    return obj if hasattr(obj, "session_list") else None


@rules.predicate
def event_is_public(user, obj) -> bool:
    """The event page is published and not behind a privacy restriction."""
    event = _event_of(obj)
    if event is None or not event.live:
        return False
    restricted = getattr(event, "_civitas_restricted", None)
    if restricted is None:
        # Asked once per session row on the event page: remember the answer on the page.
        restricted = event.get_view_restrictions().exists()
        event._civitas_restricted = restricted
    return not restricted


@rules.predicate
def session_not_started(user, obj) -> bool:
    """The session (of a registration) has not started yet."""
    session = getattr(obj, "session", obj)
    return session is not None and session.starts_at > timezone.now()


@rules.predicate
def facilitates(user, obj) -> bool:
    """Facilitator assigned to this event (a scoped role: one event, not all of them)."""
    return is_facilitator_of(user, _event_of(obj))


@rules.predicate
def owns_registration(user, registration) -> bool:
    return user.is_authenticated and registration is not None and registration.user_id == user.pk


@rules.predicate
def board_open(user, event) -> bool:
    """The live board takes input from the room on the day(s) of the event."""
    event = _event_of(event)
    if event is None or not event.live:
        return False
    starts, ends = event.starts_at, event.ends_at
    if starts is None:
        return False
    now = timezone.now()
    # Open from a few hours before the first session until the end of the last one's day.
    return starts - timezone.timedelta(hours=3) <= now <= ends + timezone.timedelta(hours=6)


organises = is_editor | is_administrator | facilitates

# Object: an EventSession.
rules.add_perm("events.register", is_participant & event_is_public & session_not_started)
# Object: a Registration.
rules.add_perm("events.cancel_registration", owns_registration & session_not_started)
# Object: the EventPage.
rules.add_perm("events.view_registrations", organises)
rules.add_perm("events.use_console", facilitates)
rules.add_perm("events.log_input", facilitates)
rules.add_perm("events.moderate_board", facilitates)
rules.add_perm("events.post_on_board", event_is_public & board_open)
rules.add_perm("events.view_report", event_is_public | organises)
# Who took part, online and offline, against the editor's baseline (no object).
rules.add_perm("events.view_representativeness", is_editor | is_administrator | is_taskforce)
