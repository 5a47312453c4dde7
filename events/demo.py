"""Demo data of events: venues, upcoming events with registrations, a past workshop with its
closing report and the input that flowed into ideas, a facilitator assigned to an event."""

import datetime as dt
import uuid

from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import District, Phase

from .models import (
    AttendanceMode,
    EventIndexPage,
    EventKind,
    EventPage,
    EventSession,
    Registration,
    Venue,
    VenueKind,
)

# Fixed keys make the demo's input idempotent: a second run finds what the first one logged.
DEMO_NAMESPACE = uuid.UUID("6d1c1b7e-5c8f-4f0e-9a55-2f1f3a0e7e11")


def _venue(name, **fields):
    venue, _created = Venue.objects.get_or_create(name=name, defaults=fields)
    return venue


def _event(index, slug, sessions, **fields):
    event = EventPage.objects.filter(slug=slug).first()
    if event is None:
        event = EventPage(slug=slug, **fields)
        index.add_child(instance=event)
        for order, (title, start, hours, capacity) in enumerate(sessions):
            EventSession.objects.create(
                page=event,
                title=title,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=hours),
                capacity=capacity,
                sort_order=order,
            )
        event.save_revision().publish()
    return event


def _idea_challenge(stdout, home):
    """An idea challenge from the ideas demo, or one made here when there is none."""
    from ideas.models import IdeaChallengePage

    challenge = IdeaChallengePage.objects.live().order_by("pk").first()
    if challenge is not None:
        return challenge
    stdout.write("  events: no idea challenge yet, adding one for the workshop's ideas")
    challenge = IdeaChallengePage(
        title="Ideas for the riverside",
        slug="riverside-ideas",
        intro="<p>What would you change?</p>",
    )
    home.add_child(instance=challenge)
    now = timezone.now()
    Phase.objects.create(
        page=challenge,
        phase_type="ideas.submit",
        starts_at=now - dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=30),
    )
    challenge.save_revision().publish()
    return challenge


# Filled by _process_app_notes with the round and question the other apps' demos made.
PROCESS_DATA: dict = {}


def _process_app_notes() -> list:
    """A budget proposal and a survey answer from the workshop, when the budgeting and
    consultations demos made a round and a survey with a text question."""
    from budgeting.models import BudgetRoundPage
    from consultations.models import Question

    notes = []
    round_page = BudgetRoundPage.objects.live().order_by("pk").first()
    if round_page is not None:
        PROCESS_DATA["proposal"] = {"round": round_page, "estimated_cost": 18_000}
        notes.append(
            ("proposal", "Benches along the river", "Ten benches with backs.", "Table 4", 7)
        )
    question = (
        Question.objects.filter(
            kind__in=("short_text", "long_text"), survey__consultation__live=True
        )
        .order_by("pk")
        .first()
    )
    if (
        question is not None
        and not question.survey.questions.filter(required=True).exclude(pk=question.pk).exists()
    ):
        PROCESS_DATA["survey_answer"] = {"question": question}
        notes.append(("survey_answer", "", "Quieter streets at night.", "Table 2", 3))
    return notes


def build_demo(*, stdout, home, users):
    """Idempotent: finds what an earlier run made instead of adding it twice."""
    from . import services
    from .models import Attendance

    stdout.write("  events: venues, events, registrations, a past workshop")
    old_town = District.objects.filter(slug="old-town").first()
    riverside = District.objects.filter(slug="riverside").first()
    library = _venue(
        "Riverside Library",
        kind=VenueKind.LIBRARY,
        address="12 Quay Street, Riverton",
        district=riverside,
        latitude="50.846700",
        longitude="4.352500",
        step_free_access=True,
        accessible_toilet=True,
        hearing_loop=True,
        spoken_interpretation=True,
        interpretation_languages="fr, ar",
        quiet_room=True,
        public_transport=True,
        accessibility_notes="Lift to the first floor; entrance on Quay Street.",
    )
    school = _venue(
        "Old Town Primary School",
        kind=VenueKind.SCHOOL,
        address="3 Market Lane, Riverton",
        district=old_town,
        latitude="50.848900",
        longitude="4.349100",
        step_free_access=True,
        childcare=True,
        sign_language=True,
        public_transport=True,
    )
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(title="Events", slug="events", intro="<p>Meet us near you.</p>")
        home.add_child(instance=index)
        index.save_revision().publish()
    challenge = _idea_challenge(stdout, home)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    evening = (now + dt.timedelta(days=6)).replace(hour=18)
    saturday = (now + dt.timedelta(days=9)).replace(hour=10)
    upcoming = _event(
        index,
        "riverside-workshop",
        [("Evening", evening, 2, 25), ("Saturday morning", saturday, 3, 3)],
        title="Riverside co-creation workshop",
        kind=EventKind.CO_CREATION,
        intro="<p>Design the new riverside with your neighbours.</p>",
        mode=AttendanceMode.HYBRID,
        venue=library,
        online_link="https://meet.example.org/riverside",
        languages="en, fr",
        process=challenge,
    )
    _event(
        index,
        "school-streets-meeting",
        [("", (now + dt.timedelta(days=14)).replace(hour=19), 2, 60)],
        title="School streets: public meeting",
        kind=EventKind.PUBLIC_MEETING,
        intro="<p>Should the streets around the school close to cars at school times?</p>",
        mode=AttendanceMode.IN_PERSON,
        venue=school,
        languages="en",
    )
    past = _event(
        index,
        "green-squares-workshop",
        [("", (now - dt.timedelta(days=12)).replace(hour=18), 2, 30)],
        title="Green squares workshop",
        kind=EventKind.WORKSHOP,
        intro="<p>Which squares need more trees and benches?</p>",
        mode=AttendanceMode.IN_PERSON,
        venue=library,
        languages="en, ar",
        process=challenge,
        summary="<p>Twenty-two residents worked at four tables on shade, benches and water.</p>",
        minutes="<p>Welcome by the city; table work; each table presented; dot vote.</p>",
    )
    facilitator = users.get(Role.FACILITATOR.value)
    if facilitator is not None:
        role_assign(user=facilitator, role=Role.FACILITATOR, scope=upcoming, by=None)
        role_assign(user=facilitator, role=Role.FACILITATOR, scope=past, by=None)
    resident = users.get(Role.RESIDENT.value)
    first = upcoming.session_list()[0]
    if resident is not None and not Registration.objects.filter(user=resident).exists():
        services.registration_create(
            session=first,
            user=resident,
            data={"interpretation_language": "fr", "childcare_children": 2},
        )
    if not Attendance.objects.filter(event=past).exists() and facilitator is not None:
        services.attendance_record(
            event=past,
            by=facilitator,
            total=22,
            by_age={"18_29": 4, "30_44": 8, "45_64": 6, "65_plus": 4},
            by_district={str(riverside.pk): 14, str(old_town.pk): 8} if riverside else {},
        )
    notes = [
        (
            "idea",
            "Shade trees on Mill Square",
            "Plant trees on the south side for summer shade.",
            "Table 1",
            6,
        ),
        (
            "idea",
            "Drinking fountain in the park",
            "Older people need water on hot days.",
            "Table 2",
            5,
        ),
        ("dot_vote", "Benches along the river", "Most dots of the evening.", "Wall", 22),
        ("comment", "", "Keep the square open for the market on Saturdays.", "Table 3", 3),
        ("note", "", "Several people asked for the report in Arabic.", "", 1),
    ]
    notes += _process_app_notes()
    if facilitator is not None:
        for number, (kind, title, text, table, people) in enumerate(notes):
            services.input_log(
                event=past,
                by=facilitator,
                kind=kind,
                title=title,
                text=text,
                data={
                    "challenge": challenge,
                    "tally": 17 if kind == "dot_vote" else 0,
                    **PROCESS_DATA.get(kind, {}),
                },
                source_detail=table,
                people_count=people,
                language="en",
                submission_key=uuid.uuid5(DEMO_NAMESPACE, f"green-squares-{number}"),
            )
