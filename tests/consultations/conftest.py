"""Fixtures for consultations: a consultation in any phase state with a survey of every
question type (with conditions and two pages), a poll, a document and a debate."""

import pytest
from django.core.cache import cache

from civitas.accounts.services import role_assign
from consultations.models import (
    ConsultationPage,
    Debate,
    DraftDocument,
    Poll,
    Question,
    QuestionKind,
    Survey,
)
from consultations.services import document_version_publish
from tests.factories import DistrictFactory, UserFactory, add_process

PHASE_STATES = {
    "open": [("open", -1, 5)],
    "closed": [("open", -5, -1), ("closed", -1, 5)],
    "report": [("open", -10, -5), ("closed", -5, -1), ("report", -1, 30)],
    "upcoming": [("open", 2, 5)],
}

QUESTIONS = [
    {
        "key": "transport",
        "kind": QuestionKind.SINGLE,
        "text": "How do you get around?",
        "required": True,
        "choices": "bus | Bus\nbike | Bike\ncar | Car",
        "allow_other": True,
    },
    {
        "key": "bike-safety",
        "kind": QuestionKind.SCALE,
        "text": "How safe do you feel cycling?",
        "min_value": 1,
        "max_value": 5,
        "label_min": "Not at all",
        "label_max": "Very",
        "show_if_key": "transport",
        "show_if_values": "bike",
        "required": True,
    },
    {
        "key": "priorities",
        "kind": QuestionKind.MULTIPLE,
        "text": "What matters most?",
        "choices": "air | Clean air\nnoise | Less noise\nspeed | Speed\nprice | Price",
        "min_choices": 1,
        "max_choices": 2,
    },
    {"key": "page2", "kind": QuestionKind.HEADING, "text": "About your ideas", "page_number": 2},
    {"key": "idea", "kind": QuestionKind.LONG_TEXT, "text": "Your idea", "page_number": 2},
    {"key": "name-it", "kind": QuestionKind.SHORT_TEXT, "text": "A name for it", "page_number": 2},
    {
        "key": "trips",
        "kind": QuestionKind.NUMBER,
        "text": "Trips per week",
        "min_value": 0,
        "max_value": 100,
        "page_number": 2,
    },
    {
        "key": "nps",
        "kind": QuestionKind.SCALE,
        "text": "Recommend the city?",
        "min_value": 0,
        "max_value": 10,
        "label_min": "Never",
        "label_max": "Surely",
        "page_number": 2,
    },
    {
        "key": "rank",
        "kind": QuestionKind.RANKING,
        "text": "Rank these",
        "choices": "a | A\nb | B\nc | C",
        "page_number": 2,
    },
    {
        "key": "grid",
        "kind": QuestionKind.MATRIX,
        "text": "Rate the services",
        "rows": "buses | Buses\ntrams | Trams",
        "min_value": 1,
        "max_value": 5,
        "page_number": 2,
    },
    {"key": "when", "kind": QuestionKind.DATE, "text": "When did you move here?", "page_number": 2},
    {
        "key": "bike-detail",
        "kind": QuestionKind.SHORT_TEXT,
        "text": "Which route do you cycle?",
        "show_if_key": "transport",
        "show_if_values": "bike",
        "page_number": 2,
    },
]

GOOD = {
    "transport": "bike",
    "bike-safety": 4,
    "priorities": ["air", "noise"],
    "idea": "More trees",
    "name-it": "Green",
    "trips": 12,
    "nps": 9,
    "rank": ["b", "a", "c"],
    "grid": {"buses": 3, "trams": 5},
    "when": "2020-03-01",
    "bike-detail": "Along the river",
}


def make_consultation(parent, state="open", *, title="Smart city strategy", live=True, **survey):
    page = add_process(
        parent,
        ConsultationPage(title=title, live=live),
        [(f"consultations.{name}", start, end) for name, start, end in PHASE_STATES[state]],
    )
    s = Survey.objects.create(consultation=page, title="Mobility survey", position=1, **survey)
    for order, fields in enumerate(QUESTIONS):
        Question.objects.create(survey=s, sort_order=order, **fields)
    return page


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_page(home_page):
    def make(state="open", **kwargs):
        return make_consultation(home_page, state, **kwargs)

    return make


@pytest.fixture
def consultation(make_page):
    return make_page("open")


@pytest.fixture
def survey(consultation):
    return consultation.surveys.get()


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Ravi")


@pytest.fixture
def role_user(db):
    def make(role, scope=None, name="Staff"):
        user = UserFactory(display_name=name)
        role_assign(user=user, role=role, scope=scope, by=None)
        return user

    return make


@pytest.fixture
def district(db):
    return DistrictFactory(name="Old Town")


@pytest.fixture
def poll(consultation):
    return Poll.objects.create(
        consultation=consultation, question="Free buses at night?", choices="yes | Yes\nno | No"
    )


@pytest.fixture
def document(consultation):
    doc = DraftDocument.objects.create(consultation=consultation, title="Strategy draft")
    doc.body = [
        ("section", {"heading": "Vision", "paragraphs": ["A connected city.", "Open data."]}),
        ("section", {"heading": "Actions", "paragraphs": ["Sensors on bridges."]}),
    ]
    doc.save()
    document_version_publish(document=doc, by=None)
    return doc


@pytest.fixture
def debate(consultation):
    return Debate.objects.create(consultation=consultation, question="Cameras in parks?")
