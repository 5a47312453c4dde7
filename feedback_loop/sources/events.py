"""Input gathered at events as a source of cases: comments and notes that a facilitator logged
(or that people posted on the live board) and that no process app took in as its own
contribution become cases of the event's process, routed like any other input.

What the events app hands on to a process app (an idea, a proposal, a survey answer typed from
a workshop card) is that app's contribution: its own event opens its case, so it is not
counted twice. Dot-vote tallies open no case: like supports online, they weigh an option the
room was shown rather than ask the city something, and they stay in the event's closing report
beside the input they were about. Secret kinds (paper ballots) never become cases.
"""

from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import SourceAdapter, contribution_snapshot, sources

KEY = "events.eventinput"
# Kinds that count toward something shown to the room instead of asking for an answer.
TALLY_KINDS = frozenset({"dot_vote"})


def becomes_case(item) -> bool:
    """Whether an event input is input of its own: no process app took it in, it is no tally
    and no secret ballot."""
    from events.input_kinds import input_kinds

    if item.target_type_id is not None or item.kind in TALLY_KINDS:
        return False
    kind = input_kinds.get(item.kind) if item.kind in input_kinds else None
    return kind is None or not kind.secret


def report_url(event) -> str:
    """The event's closing report, which lists every input with what became of it."""
    base = event.url or ""
    return f"{base}report/" if base else ""


def provenance(item) -> str:
    """Where the input was given and by how many people, for the case's text."""
    given = ngettext(
        "Given at “%(event)s” by %(count)s person.",
        "Given at “%(event)s” by %(count)s people.",
        item.people_count,
    ) % {"event": item.event.title, "count": item.people_count}
    if item.source_detail:
        given += "\n" + gettext("Table or group: %(detail)s") % {"detail": item.source_detail}
    return given


def snapshot(item):
    """The input with the event's process, the district of its venue when it has one (else the
    process's), its language and channel; the event names the theme it is listed under."""
    event = item.event
    venue_district = event.venue.district_id if event.venue_id else None
    text = item.text.strip()
    return contribution_snapshot(
        item,
        title=item.title or Truncator(" ".join(text.split())).chars(100),
        text=f"{text}\n\n{provenance(item)}",
        url=report_url(event),
        district_id=venue_district,
        theme=Truncator(event.title).chars(120),
    )


def public(items) -> set[int]:
    """Ids of the case inputs whose event input the events app shows the public: not hidden,
    of a published event. One query."""
    from events.models import EventInput

    ids = {item.object_id for item in items}
    shown = set(
        EventInput.objects.filter(pk__in=ids, hidden_at__isnull=True, event__live=True)
        .values_list("pk", flat=True)
        .order_by()
    )
    return {item.pk for item in items if item.object_id in shown}


def publish_nothing(contribution, case, answer, by) -> set[int]:
    """The events app keeps no answer of its own and tells nobody: the receipt lookup, the
    public page and the feedback loop's notice to a signed-in author carry it."""
    return set()


def on_logged(sender, item, **kwargs):
    """Open the input's case (once, however often the event is delivered)."""
    from events.models import EventInput

    if not becomes_case(item):
        return
    from feedback_loop.services import case_open

    # Read it again with its event and venue: the snapshot needs both, and a late delivery
    # must see the input as it is now.
    item = EventInput.objects.select_related("event", "event__venue").filter(pk=item.pk).first()
    if item is None:
        return
    case_open(contribution=item, adapter=sources.get(KEY))


def connect() -> None:
    from events import signals
    from events.models import EventInput

    sources.register(
        KEY,
        SourceAdapter(
            key=KEY,
            model=EventInput,
            label=_("Input at an event"),
            snapshot=snapshot,
            publish=publish_nothing,
            public=public,
        ),
    )
    signals.offline_input_logged.connect(on_logged, dispatch_uid="feedback_loop.events.logged")
