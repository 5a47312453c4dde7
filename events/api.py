"""Events in the public open-data API: a filtered, paginated list and one event with its
sessions and venue.

Only what the event pages show publicly, and less: places left per session, never who
registered or what they asked for.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .models import ACCESSIBILITY_FEATURES, EventKind, EventPage
from .selectors import filtered_events, public_events

router = Router(tags=["events"])
prefix = "events"

MAX_PAGE_SIZE = 100
FEATURES = [key for key, _label in ACCESSIBILITY_FEATURES]


class TermOut(Schema):
    id: int
    name: str


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    district: TermOut | None
    latitude: Decimal | None
    longitude: Decimal | None
    accessibility: list[str] = Field(description="Features the venue has: " + ", ".join(FEATURES))
    interpretation_languages: list[str]
    accessibility_notes: str


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None = Field(description="Places in all; null when there is no limit")
    places_left: int | None = Field(description="Null when there is no limit")
    waiting_list: int = Field(description="How many people wait for a place")


class EventOut(Schema):
    id: int
    url: str
    title: str
    kind: str
    kind_label: str
    mode: str
    mode_label: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    languages: list[str]
    process_id: int | None
    venue: VenueOut | None


class EventDetailOut(EventOut):
    intro: str = Field(description="HTML")
    online_link: str
    calendar_url: str
    sessions: list[SessionOut]


class EventPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[EventOut]


class EventFilters(Schema):
    date_from: dt.date | None = Field(
        None, description="Events with a session ending this day or later"
    )
    date_to: dt.date | None = Field(None, description="Events with a session starting by this day")
    district: int | None = Field(None, description="Id of the venue's district")
    kind: str | None = Field(None, description="One of: " + ", ".join(EventKind.values))
    access: list[str] = Field(
        [], description="Features the venue must all have: " + ", ".join(FEATURES)
    )
    language: str | None = Field(None, max_length=8, description="Spoken or interpreted into")
    past: bool = Field(False, description="Include events that have ended")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _venue_out(venue) -> VenueOut | None:
    if venue is None:
        return None
    district = venue.district
    return VenueOut(
        id=venue.pk,
        name=venue.name,
        kind=venue.kind,
        kind_label=str(venue.get_kind_display()),
        address=venue.address,
        district=TermOut(id=district.pk, name=district.name) if district else None,
        latitude=venue.latitude,
        longitude=venue.longitude,
        accessibility=[key for key, _label in venue.features],
        interpretation_languages=venue.languages,
        accessibility_notes=venue.accessibility_notes,
    )


def _event_fields(request, event) -> dict:
    return {
        "id": event.pk,
        "url": request.build_absolute_uri(event.get_url(request)),
        "title": event.title,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "mode": event.mode,
        "mode_label": str(event.get_mode_display()),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "languages": event.language_list,
        "process_id": event.process_id,
        "venue": _venue_out(event.venue),
    }


def _session_out(session) -> SessionOut:
    left = None
    if session.capacity is not None:
        left = max(0, session.capacity - session.confirmed_count)
    return SessionOut(
        id=session.pk,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
        places_left=left,
        waiting_list=session.waiting_count,
    )


@router.get("/", response=EventPageOut, summary="Public events, soonest first")
def list_events(request, filters: Query[EventFilters]):
    """Live public events filtered like the events listing, by first session, paginated."""
    if filters.kind and filters.kind not in EventKind.values:
        raise HttpError(400, "kind must be one of: " + ", ".join(EventKind.values))
    unknown = sorted(set(filters.access) - set(FEATURES))
    if unknown:
        raise HttpError(400, "access must be among: " + ", ".join(FEATURES))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise HttpError(400, "date_to must not be before date_from")
    matching = filtered_events(
        EventPage.objects.live().public(), filters.model_dump(), timezone.now()
    )
    events = (
        public_events()
        .filter(pk__in=matching.values("pk"))
        .annotate(first_start=Min("sessions__starts_at"))
        .order_by("first_start", "pk")
    )
    count = events.count()
    pages = max(1, -(-count // filters.page_size))
    if filters.page > pages:
        raise HttpError(404, "No such page")
    start = (filters.page - 1) * filters.page_size
    results = [
        EventOut(**_event_fields(request, event))
        for event in events[start : start + filters.page_size]
    ]
    return EventPageOut(count=count, page=filters.page, pages=pages, results=results)


@router.get("/{event_id}", response=EventDetailOut, summary="One public event")
def get_event(request, event_id: int):
    """A live public event with its sessions (places left, waiting list) and venue."""
    event = public_events().filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event")
    url = event.get_url(request)
    return EventDetailOut(
        **_event_fields(request, event),
        intro=str(event.intro),
        online_link=event.online_link,
        calendar_url=request.build_absolute_uri(f"{url}ics/"),
        sessions=[_session_out(session) for session in event.session_list()],
    )
