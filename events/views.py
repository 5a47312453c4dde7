"""Public views of events: listing, calendar, event page, registration, report, receipts."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from civitas.core.errors import DomainError
from civitas.core.templatetags.civitas_maps import map_settings

from . import selectors, services
from .forms import EventFilterForm, ReceiptLookupForm, RegistrationForm
from .models import Attendance, EventInput, EventSession, Registration


def event_list(request, index):
    """The events listing: filters, events grouped by venue (the no-JS map), a map when JS
    runs."""
    at = timezone.now()
    form = EventFilterForm(request.GET or None)
    events = selectors.public_events().descendant_of(index)
    if form.is_bound and form.is_valid():
        events = selectors.filtered_events(events, form.cleaned_data, at)
    elif not form.is_bound:
        events = selectors.filtered_events(events, {}, at)
    else:
        events = events.none()
    events = sorted(events, key=lambda e: (e.starts_at or at, e.pk))
    venues: dict = {}
    online = []
    for event in events:
        if event.venue_id is None:
            online.append(event)
        else:
            venues.setdefault(event.venue, []).append(event)
    context = index.get_context(request)
    context.update(
        {
            "filter_form": form,
            "events": events,
            "by_venue": list(venues.items()),
            "online_only": online,
            "map_points": [
                {
                    "name": venue.name,
                    "lat": float(venue.latitude),
                    "lng": float(venue.longitude),
                    "anchor": f"venue-{venue.pk}",
                }
                for venue in venues
                if venue.latitude is not None
            ],
            # With a tile server the shared map shows the venues; without one, the schematic
            # map (events/js/map.js) does; without JavaScript the venue sections below do.
            "map_tiles": bool(map_settings()["tile_url"]),
            "map_places": [_map_place(venue, f"#venue-{venue.pk}") for venue in venues],
        }
    )
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "events/event_index_page.html", context, status=status)


def _map_place(venue, url: str) -> dict:
    """A venue as a point of the shared map component (no point: left out by it)."""
    return {
        "lat": venue.latitude,
        "lon": venue.longitude,
        "title": venue.name,
        "url": url,
        "text": venue.address,
    }


def _calendar(request, events) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Civitas//Events//EN")
    calendar.add("version", "2.0")
    for event in events:
        for session in event.session_list():
            entry = CalendarEvent()
            entry.add("uid", f"event-session-{session.pk}@{request.get_host()}")
            entry.add("dtstamp", timezone.now())
            entry.add("dtstart", session.starts_at)
            entry.add("dtend", session.ends_at)
            summary = event.title if not session.title else f"{event.title} – {session.title}"
            entry.add("summary", summary)
            entry.add("url", request.build_absolute_uri(event.url))
            if event.venue_id:
                entry.add("location", f"{event.venue.name}, {event.venue.address}")
            calendar.add_component(entry)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    return response


def calendar_feed(request, index):
    """All upcoming public events as one iCalendar feed people can subscribe to."""
    return _calendar(request, selectors.upcoming_events())


def event_ics(request, event):
    """One event's sessions as an .ics file."""
    if not event.live:
        raise Http404
    event = selectors.public_events().filter(pk=event.pk).first()
    if event is None:
        raise Http404
    response = _calendar(request, [event])
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def event_detail(request, event):
    """The event page: sessions with places left, venue and accessibility, registration."""
    sessions = list(selectors.sessions_with_counts().filter(page=event))
    for session in sessions:
        session.page = event
    mine = selectors.registrations_of(request.user, event)
    registered = any(r.status == "confirmed" for r in mine.values())
    rows = [
        {
            "session": s,
            "registration": mine.get(s.pk),
            "places_left": (
                max(s.capacity - s.confirmed_count, 0) if s.capacity is not None else None
            ),
            "can_register": request.user.has_perm("events.register", s),
        }
        for s in sessions
    ]
    context = event.get_context(request)
    context.update(
        {
            "rows": rows,
            "show_online_link": registered and bool(event.online_link),
            "is_past": event.is_past(),
            "can_use_console": request.user.has_perm("events.use_console", event),
            "can_view_registrations": request.user.has_perm("events.view_registrations", event),
            "venue_places": [_map_place(event.venue, "")] if event.venue_id else [],
            "map_tiles": bool(map_settings()["tile_url"]),
        }
    )
    return TemplateResponse(request, "events/event_page.html", context)


def registration_new(request, event, session_id):
    """Register for one session, asking for adjustments."""
    session = EventSession.objects.filter(page=event, pk=session_id).first()
    if session is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("events.register", session):
        raise PermissionDenied
    session.page = event
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                session=session, user=request.user, data=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            if registration.status == "confirmed":
                messages.success(request, _("You are registered. See you there!"))
            else:
                messages.warning(
                    request,
                    _(
                        "This session is full: you are on the waiting list. We will tell you "
                        "when a place comes free."
                    ),
                )
            return redirect(event.url)
    context = event.get_context(request)
    context.update({"form": form, "session": session})
    status = 400 if form.errors else 200
    return TemplateResponse(request, "events/registration_form.html", context, status=status)


def registration_cancel(request, event, registration_id):
    """Cancel one's own registration (POST; GET asks for confirmation)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = (
        Registration.objects.active()
        .select_related("session")
        .filter(pk=registration_id, session__page=event)
        .first()
    )
    if registration is None:
        raise Http404
    if not request.user.has_perm("events.cancel_registration", registration):
        raise PermissionDenied
    if request.method == "POST":
        services.registration_cancel(registration=registration, by=request.user)
        messages.success(request, _("Your registration was cancelled."))
        return redirect(event.url)
    context = event.get_context(request)
    context.update({"registration": registration})
    return TemplateResponse(request, "events/registration_cancel.html", context)


def registration_overview(request, event):
    """Organisers: who comes to each session and what adjustments they asked for."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("events.view_registrations", event):
        raise PermissionDenied
    sessions = list(selectors.sessions_with_counts().filter(page=event))
    registrations = (
        Registration.objects.active()
        .filter(session__page=event)
        .select_related("user")
        .order_by("session_id", "status", "created_at", "pk")
    )
    per_session: dict = {s.pk: [] for s in sessions}
    for registration in registrations:
        per_session[registration.session_id].append(registration)
    summary = selectors.adjustments_summary(event)
    context = event.get_context(request)
    context["sessions"] = [
        {"session": s, "registrations": per_session[s.pk], "summary": summary.get(s.pk)}
        for s in sessions
    ]
    return TemplateResponse(request, "events/registration_overview.html", context)


def event_report(request, event):
    """The closing report: summary, minutes, attendance, photos and every input with what
    became of it."""
    if not request.user.has_perm("events.view_report", event):
        raise Http404
    items = selectors.event_inputs(event)
    attendance = Attendance.objects.filter(event=event).first()
    context = event.get_context(request)
    context.update(
        {
            "items": items,
            "attendance": attendance,
            "photos": event.photos.select_related("image").all(),
            "people_total": sum(i.people_count for i in items),
        }
    )
    return TemplateResponse(request, "events/event_report.html", context)


def receipt_lookup(request, index):
    """Anyone with a receipt card's code sees what became of the input it is attached to."""
    form = ReceiptLookupForm(request.GET or None)
    item = None
    if form.is_bound and form.is_valid():
        item = (
            EventInput.objects.filter(
                receipt_code=form.cleaned_data["code"], hidden_at__isnull=True
            )
            .select_related("event", "target_type")
            .first()
        )
        if item is None:
            form.add_error("code", _("No input carries this code (yet). Check the code."))
    context = index.get_context(request)
    context.update({"form": form, "item": item})
    status = 404 if form.is_bound and form.errors and item is None else 200
    if form.is_bound and form.errors and "code" in form.errors and item is None:
        status = 404 if form.data.get("code") else 400
    return TemplateResponse(request, "events/receipt.html", context, status=status)


def representativeness(request, index, process_id):
    """Staff: participants of a process online and at its events, by district and age band,
    against the baseline figures the editor entered."""
    from wagtail.models import Page

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("events.view_representativeness"):
        raise PermissionDenied
    process = Page.objects.filter(pk=process_id).first()
    if process is None:
        raise Http404
    context = index.get_context(request)
    context.update({"process": process, "figures": selectors.representativeness(process)})
    return TemplateResponse(request, "events/representativeness.html", context)
