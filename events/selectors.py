"""Reads of the events app that are more than a one-liner."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import (
    AgeBand,
    Attendance,
    EventInput,
    EventPage,
    EventSession,
    Registration,
    RegistrationStatus,
)


def sessions_with_counts():
    """Sessions annotated with their confirmed and waiting counts."""
    return EventSession.objects.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    ).order_by("starts_at", "pk")


def public_events():
    """Live, public events with venue, district and counted sessions, in a fixed number of
    queries whatever the number of events."""
    return (
        EventPage.objects.live()
        .public()
        .select_related("venue", "venue__district")
        .prefetch_related(Prefetch("sessions", queryset=sessions_with_counts()))
    )


def filtered_events(events, data, at):
    """Filter events by the listing's filters (date range, district, kind, access features,
    language), as the listing form or the API cleaned them; past events only when asked."""
    if not data.get("past"):
        events = events.filter(sessions__ends_at__gt=at)
    if data.get("date_from"):
        start = timezone.make_aware(dt.datetime.combine(data["date_from"], dt.time.min))
        events = events.filter(sessions__ends_at__gte=start)
    if data.get("date_to"):
        end = timezone.make_aware(dt.datetime.combine(data["date_to"], dt.time.max))
        events = events.filter(sessions__starts_at__lte=end)
    if data.get("district"):
        events = events.filter(venue__district=data["district"])
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    for feature in data.get("access") or ():
        events = events.filter(**{f"venue__{feature}": True})
    if data.get("language"):
        code = data["language"]
        events = events.filter(
            Q(languages__icontains=code) | Q(venue__interpretation_languages__icontains=code)
        )
    return events.distinct()


def upcoming_events(at=None, limit=None):
    """Public events with a session that has not ended, soonest first."""
    at = at or timezone.now()
    events = [
        e for e in public_events().filter(sessions__ends_at__gt=at).distinct() if e.session_list()
    ]
    events.sort(key=lambda e: (next_session(e, at) or e.session_list()[0]).starts_at)
    return events[:limit] if limit else events


def next_session(event, at=None):
    at = at or timezone.now()
    return next((s for s in event.session_list() if s.ends_at > at), None)


def registrations_of(user, event) -> dict[int, Registration]:
    """The person's active registration per session id of `event`."""
    if not user.is_authenticated:
        return {}
    return {
        r.session_id: r
        for r in Registration.objects.active().filter(user=user, session__page=event)
    }


def adjustments_summary(event) -> dict:
    """What confirmed and waiting people asked for, in aggregate, per session."""
    summary = {}
    rows = Registration.objects.active().filter(session__page=event).order_by()
    for session_id, language, children, step_free, other in rows.values_list(
        "session_id",
        "interpretation_language",
        "childcare_children",
        "step_free_seating",
        "other_needs",
    ):
        entry = summary.setdefault(
            session_id,
            {"languages": Counter(), "children": 0, "families": 0, "step_free": 0, "other": 0},
        )
        if language:
            entry["languages"][language] += 1
        if children:
            entry["children"] += children
            entry["families"] += 1
        entry["step_free"] += int(step_free)
        entry["other"] += int(bool(other))
    for entry in summary.values():
        # Templates look keys up before methods, and a Counter answers 0 for "items".
        entry["languages"] = sorted(entry["languages"].items())
    return summary


def event_inputs(event):
    """Every input of the event with what it became in its process app, in a fixed number of
    queries: targets are fetched per content type."""
    items = list(
        EventInput.objects.filter(event=event, hidden_at__isnull=True)
        .select_related("target_type", "entered_by")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )
    by_type = defaultdict(list)
    for item in items:
        if item.target_type_id:
            by_type[item.target_type].append(item.target_id)
    targets = {}
    for content_type, ids in by_type.items():
        model = content_type.model_class()
        query = model._default_manager.filter(pk__in=ids)
        # The report shows each target's process and status label: join them (an idea's
        # status is a row of its own).
        joined = [
            f.name
            for f in model._meta.get_fields()
            if f.name in ("process", "status") and f.many_to_one
        ]
        if joined:
            query = query.select_related(*joined)
        for obj in query:
            targets[(content_type.pk, obj.pk)] = obj
    for item in items:
        item._target = targets.get((item.target_type_id, item.target_id))
    return items


def personal_data(user) -> list[dict]:
    """Every registration of `user`, with the adjustments they asked for."""
    return [
        {
            "event": r.session.page.title,
            "session_starts_at": r.session.starts_at.isoformat(),
            "status": r.status,
            "interpretation_language": r.interpretation_language,
            "childcare_children": r.childcare_children,
            "step_free_seating": r.step_free_seating,
            "other_needs": r.other_needs,
            "registered_at": r.created_at.isoformat(),
        }
        for r in Registration.objects.filter(user=user).select_related("session__page")
    ]


def representativeness(process) -> dict:
    """Participants of a process online and at its events, per district and age band, with the
    editor's baseline figures beside them (percentages)."""
    from django.apps import apps

    from civitas.participation.models import Contribution, District

    from .models import Baseline

    offline_age: Counter = Counter()
    offline_district: Counter = Counter()
    events = EventPage.objects.filter(process=process)
    for attendance in Attendance.objects.filter(event__in=events):
        offline_age.update({k: int(v) for k, v in attendance.by_age.items()})
        offline_district.update({str(k): int(v) for k, v in attendance.by_district.items()})
    offline_total = sum(a.total for a in Attendance.objects.filter(event__in=events))
    # Online participants: distinct authors of online contributions to the process, by the
    # district on their profile (age is not asked online).
    online_district: Counter = Counter()
    authors = set()
    for model in apps.get_models():
        if not issubclass(model, Contribution) or model is EventInput:
            continue
        authors.update(
            model._default_manager.filter(process=process, channel="online", author__isnull=False)
            .values_list("author_id", "author__district_id")
            .distinct()
        )
    for _author, district_id in authors:
        online_district[str(district_id) if district_id else "unknown"] += 1
    baseline = Baseline.objects.filter(process=process).first()
    districts = list(District.objects.order_by("name"))
    rows_district = [
        {
            "label": d.name,
            "online": online_district.get(str(d.pk), 0),
            "offline": offline_district.get(str(d.pk), 0),
            "baseline": (baseline.by_district.get(str(d.pk)) if baseline else None),
        }
        for d in districts
    ]
    rows_age = [
        {
            "label": label,
            "offline": offline_age.get(key, 0),
            "baseline": (baseline.by_age.get(key) if baseline else None),
        }
        for key, label in AgeBand.choices
    ]
    return {
        "online_total": len({a for a, _d in authors}),
        "offline_total": offline_total,
        "by_district": _with_shares(rows_district, ("online", "offline")),
        "by_age": _with_shares(rows_age, ("offline",)),
        "baseline": baseline,
    }


def _with_shares(rows, columns):
    totals = {c: sum(r[c] for r in rows) for c in columns}
    for row in rows:
        for column in columns:
            total = totals[column]
            row[f"{column}_share"] = round(100 * row[column] / total) if total else 0
    return rows
