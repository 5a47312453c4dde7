"""Demo data of consultations: an open consultation on the smart-city strategy (a survey with
conditional questions, a draft document with comments, a debate and a quick poll) and a closed
one on the mobility plan with its results and report. Idempotent: found by slug, then left."""

import datetime as dt
import random
import uuid

from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import District, Phase

from . import services
from .models import (
    ConsultationPage,
    Debate,
    DraftDocument,
    Poll,
    Question,
    QuestionKind,
    Survey,
)

DEMO_NAMESPACE = uuid.UUID("0b8f9f53-33a4-4c1b-8a57-7d7a5e2a9c61")

SMART_QUESTIONS = [
    {
        "key": "heard",
        "kind": QuestionKind.SINGLE,
        "required": True,
        "text": "Had you heard of the smart-city strategy before today?",
        "text_fr": "Aviez-vous entendu parler de la stratégie ville intelligente ?",
        "text_es": "¿Había oído hablar de la estrategia de ciudad inteligente?",
        "text_ar": "هل سمعت عن استراتيجية المدينة الذكية من قبل؟",
        "choices": "yes | Yes\nno | No",
        "choices_fr": "Oui\nNon",
        "choices_es": "Sí\nNo",
        "choices_ar": "نعم\nلا",
    },
    {
        "key": "how-heard",
        "kind": QuestionKind.MULTIPLE,
        "show_if_key": "heard",
        "show_if_values": "yes",
        "text": "Where did you hear about it?",
        "allow_other": True,
        "max_choices": 3,
        "choices": (
            "news | Local news\nsocial | Social media\n"
            "neighbours | Neighbours\nevent | A city event"
        ),
    },
    {
        "key": "priorities",
        "kind": QuestionKind.RANKING,
        "text": "Rank these goals",
        "help_text": "1 is the most important to you.",
        "choices": (
            "energy | Saving energy\ntransport | Better public transport\n"
            "data | Open data\nsafety | Safer streets"
        ),
    },
    {
        "key": "sensors",
        "kind": QuestionKind.SCALE,
        "min_value": 1,
        "max_value": 5,
        "label_min": "Strongly against",
        "label_max": "Strongly for",
        "required": True,
        "text": "Sensors that count traffic on main streets",
    },
    {
        "key": "sensor-worry",
        "kind": QuestionKind.LONG_TEXT,
        "show_if_key": "sensors",
        "show_if_values": "1,2",
        "text": "What worries you about the sensors?",
    },
    {"key": "p2", "kind": QuestionKind.HEADING, "text": "Services", "page_number": 2},
    {
        "key": "services",
        "kind": QuestionKind.MATRIX,
        "page_number": 2,
        "min_value": 1,
        "max_value": 5,
        "label_min": "Poor",
        "label_max": "Very good",
        "text": "How good are these services today?",
        "rows": "wifi | Public wi-fi\napp | The city app\nportal | Online forms",
    },
    {
        "key": "hours",
        "kind": QuestionKind.NUMBER,
        "page_number": 2,
        "min_value": 0,
        "max_value": 168,
        "text": "Hours a week you spend online",
    },
    {
        "key": "idea",
        "kind": QuestionKind.SHORT_TEXT,
        "page_number": 2,
        "text": "One idea for a smarter city",
    },
]

MOBILITY_QUESTIONS = [
    {
        "key": "mode",
        "kind": QuestionKind.SINGLE,
        "required": True,
        "text": "How do you usually travel?",
        "choices": "bus | Bus\nbike | Bike\ncar | Car\nwalk | On foot",
    },
    {
        "key": "tram",
        "kind": QuestionKind.SCALE,
        "min_value": 0,
        "max_value": 10,
        "label_min": "Not at all",
        "label_max": "Completely",
        "text": "Would a new tram line help you?",
    },
    {
        "key": "minutes",
        "kind": QuestionKind.NUMBER,
        "min_value": 0,
        "max_value": 240,
        "text": "Minutes your usual trip takes",
    },
    {"key": "comment", "kind": QuestionKind.LONG_TEXT, "text": "Anything else?"},
]


def _page(home, slug, title, phases, **fields):
    page = ConsultationPage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    page = ConsultationPage(slug=slug, title=title, **fields)
    home.add_child(instance=page)
    now = timezone.now()
    for order, (kind, start, end) in enumerate(phases):
        Phase.objects.create(
            page=page,
            phase_type=f"consultations.{kind}",
            sort_order=order,
            starts_at=now + dt.timedelta(days=start),
            ends_at=now + dt.timedelta(days=end),
        )
    page.save_revision().publish()
    return page, True


def _survey(page, title, questions, **fields):
    survey = Survey.objects.create(consultation=page, title=title, **fields)
    for order, spec in enumerate(questions):
        Question.objects.create(survey=survey, sort_order=order, **spec)
    return survey


def build_demo(stdout, home, users):
    """Add the demo consultations (skipped when they exist)."""
    resident, facilitator = users["resident"], users["facilitator"]
    smart, created = _page(
        home,
        "smart-city-strategy",
        "Our smart-city strategy",
        [("open", -7, 21), ("closed", 21, 35), ("report", 35, 200)],
        title_fr="Notre stratégie ville intelligente",
        title_es="Nuestra estrategia de ciudad inteligente",
        title_ar="استراتيجية مدينتنا الذكية",
        intro=(
            "<p>How should Riverton use data and technology? "
            "Tell us before the strategy is adopted.</p>"
        ),
    )
    if created:
        stdout.write("  consultations: smart-city strategy (survey, draft, debate, poll)")
        survey = _survey(
            smart,
            "Your view on the smart city",
            SMART_QUESTIONS,
            position=1,
            title_fr="Votre avis sur la ville intelligente",
            title_ar="رأيك في المدينة الذكية",
            intro="<p>Ten minutes, two pages. You can stop and continue later.</p>",
        )
        Poll.objects.create(
            consultation=smart,
            position=2,
            question="Should the city publish all its data openly?",
            question_ar="هل يجب أن تنشر المدينة جميع بياناتها بشكل مفتوح؟",
            choices="yes | Yes\nno | No\nunsure | Not sure",
            choices_ar="نعم\nلا\nغير متأكد",
        )
        document = DraftDocument.objects.create(
            consultation=smart,
            position=3,
            title="Smart-city strategy, draft",
            intro="<p>Comment on any paragraph.</p>",
        )
        document.body = [
            (
                "section",
                {
                    "heading": "Vision",
                    "paragraphs": [
                        "Riverton uses technology where it makes daily life easier and fairer.",
                        "Data the city collects belongs to its residents and is published "
                        "openly unless it is personal.",
                    ],
                },
            ),
            (
                "section",
                {
                    "heading": "First actions",
                    "paragraphs": [
                        "Count traffic on main streets with sensors that store no images.",
                        "Offer free public wi-fi in libraries and squares.",
                    ],
                },
            ),
        ]
        document.save()
        services.document_version_publish(document=document, by=users["editor"])
        paragraph = document.versions.get().paragraphs.order_by("position")[2]
        services.paragraph_comment_add(
            paragraph=paragraph,
            author=resident,
            body="Please say who can see the counts, and for how long they are kept.",
        )
        debate = Debate.objects.create(
            consultation=smart,
            position=4,
            question="Should traffic cameras be allowed in the old town?",
        )
        services.argument_add(
            debate=debate,
            author=resident,
            side="against",
            body="Cameras change how people behave in public spaces.",
        )
        services.argument_add(
            debate=debate,
            author=users["moderator"],
            side="for",
            body="They would help keep the pedestrian zone free of cars.",
        )
        services.response_submit(
            survey=survey,
            respondent=None,
            channel="paper",
            entered_by=facilitator,
            answers={
                "heard": "no",
                "sensors": 4,
                "priorities": ["transport", "energy", "safety", "data"],
            },
            source_detail="Library box",
            submission_key=uuid.uuid5(DEMO_NAMESPACE, "smart-paper-1"),
        )
        role_assign(user=facilitator, role=Role.FACILITATOR, scope=smart, by=None)

    mobility, created = _page(
        home,
        "mobility-plan-consultation",
        "Mobility plan 2030",
        [("open", -60, -30), ("closed", -30, -10), ("report", -10, 300)],
        title_ar="خطة التنقل 2030",
        intro="<p>Last spring we asked how you move around Riverton.</p>",
        report_summary=(
            "<p>Most people asked for more frequent buses in the evening and safer bike lanes. "
            "The plan now includes a night bus network and three protected bike routes.</p>"
        ),
    )
    if created:
        stdout.write("  consultations: mobility plan (closed, 120 responses, report)")
        survey = _survey(mobility, "How you travel", MOBILITY_QUESTIONS, results_while_open=False)
        districts = list(District.objects.all())
        rng = random.Random(7)
        comments = [
            "More night buses",
            "Safer bike lanes please",
            "Cheaper tickets",
            "=cmd|' /C calc'!A0",
        ]
        for number in range(120):
            services.response_submit(
                survey=survey,
                respondent=None,
                channel="paper" if number % 3 == 0 else "offline_event",
                entered_by=facilitator,
                source_detail="Spring workshops",
                answers={
                    "mode": rng.choice(["bus", "bike", "car", "walk"]),
                    "tram": rng.randint(0, 10),
                    "minutes": min(240, round(rng.lognormvariate(3.1, 0.5))),
                    **({"comment": rng.choice(comments)} if number % 4 == 0 else {}),
                },
                district=rng.choice(districts) if districts else None,
                age_band=rng.choice(["18_29", "30_44", "45_64", "65_plus"]),
                submission_key=uuid.uuid5(DEMO_NAMESPACE, f"mobility-{number}"),
            )
        Poll.objects.create(
            consultation=mobility,
            question="Car-free Sundays in the centre?",
            choices="yes | Yes\nno | No",
            results_shown="after_close",
        )
        # The facilitator typed in the workshop sheets, so is named for this consultation too.
        role_assign(user=facilitator, role=Role.FACILITATOR, scope=mobility, by=None)
        # The open consultation's quick poll, placed as a block on this page's body.
        current = Poll.objects.filter(consultation=smart).first()
        if current is not None:
            mobility.body = [
                ("text", "<p>While you are here, answer our current quick poll:</p>"),
                ("poll", {"poll": current}),
            ]
            mobility.save_revision().publish()
