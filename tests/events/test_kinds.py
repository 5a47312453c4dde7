"""Input kinds that hand event input to consultations and budgeting through their services."""

import uuid

import pytest

from budgeting.models import Proposal
from civitas.participation.models import Channel
from consultations.models import Question, Response
from events.models import EventInput
from tests.budgeting.conftest import make_round

pytestmark = pytest.mark.django_db


def post(client, event, kind, **fields):
    data = {
        "kind": kind,
        "submission_key": str(uuid.uuid4()),
        "text": "Safer crossings near the school",
        "source_detail": "Table 1",
        "people_count": "4",
        "language": "en",
        **fields,
    }
    return client.post(f"{event.url}console/sync/", data), data


@pytest.fixture
def text_question(consultation):
    survey = consultation.surveys.get()
    survey.questions.all().delete()
    return Question.objects.create(
        survey=survey, key="wish", kind="long_text", text="What would you change?", sort_order=0
    )


def test_a_survey_answer_becomes_an_offline_response(
    client, linked_event, facilitator_of, text_question
):
    event = linked_event
    facilitator = facilitator_of(event)
    client.force_login(facilitator)
    response, data = post(client, event, "survey_answer", question=text_question.pk)
    assert response.status_code == 200, response.content
    again = client.post(f"{event.url}console/sync/", data)
    assert again.json() == response.json()
    stored = Response.objects.get()
    assert (stored.channel, stored.entered_by, stored.people_count) == (
        Channel.OFFLINE_EVENT,
        facilitator,
        4,
    )
    assert (stored.source_id, stored.source_detail) == (event.pk, "Table 1")
    assert EventInput.objects.get().target == stored


def test_a_survey_answer_for_a_consultation_the_event_does_not_feed_is_refused(
    client, event, facilitator_of, text_question
):
    client.force_login(facilitator_of(event))
    response, _data = post(client, event, "survey_answer", question=text_question.pk)
    assert response.status_code == 403
    assert not Response.objects.exists() and not EventInput.objects.exists()


def test_a_survey_refusing_the_answer_says_why(client, linked_event, facilitator_of, text_question):
    event = linked_event
    Question.objects.create(
        survey=text_question.survey,
        key="age",
        kind="number",
        text="Age?",
        required=True,
        sort_order=1,
    )
    client.force_login(facilitator_of(event))
    response, _data = post(client, event, "survey_answer", question=text_question.pk)
    assert response.status_code == 400
    assert response.json()["errors"]["text"][0]["message"]
    assert not Response.objects.exists() and not EventInput.objects.exists()


def test_a_budget_proposal_from_a_workshop(client, event, facilitator_of, home_page):
    round_page = make_round(home_page, state="vote")
    facilitator = facilitator_of(event)
    client.force_login(facilitator)
    response, _data = post(
        client, event, "proposal", round=round_page.pk, title="Crossing", estimated_cost="25000"
    )
    assert response.status_code == 200, response.content
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.estimated_cost, proposal.channel) == (
        "Crossing",
        25000,
        Channel.OFFLINE_EVENT,
    )
    assert (proposal.entered_by, proposal.source_id) == (facilitator, event.pk)
    assert response.json()["target_url"] == f"{round_page.url}proposals/{proposal.pk}/"
    assert client.get(response.json()["target_url"]).status_code == 200
    bad, _data = post(client, event, "proposal", round=round_page.pk, title="X", estimated_cost="0")
    assert bad.status_code == 400
    assert Proposal.objects.count() == 1
