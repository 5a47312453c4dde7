"""Console kinds for whole paper sheets: a paper survey (consultations' response service) and a
paper ballot (budgeting's paper-ballot service), counted by their apps like other input."""

import uuid

import pytest

from budgeting.models import Ballot, BallotType, PaperEntry, PaperEntryStatus, VoterRecord
from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.core.errors import DomainError
from civitas.participation.models import Channel
from consultations.models import Response
from consultations.selectors import survey_results
from events import services
from events.models import BoardState, EventInput
from tests.budgeting.conftest import make_round
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHEET = {
    "q-transport": "other",
    "q-transport-other": "Scooter",
    "q-priorities": ["air", "noise"],
    "q-idea": "More trees",
    "q-name-it": "Green",
    "q-trips": "12",
    "q-nps": "9",
    "q-rank-a": "2",
    "q-rank-b": "1",
    "q-rank-c": "3",
    "q-grid-buses": "3",
    "q-grid-trams": "5",
    "q-when": "2020-03-01",
}


def sync(client, event, kind, **fields):
    data = {
        "kind": kind,
        "submission_key": str(uuid.uuid4()),
        "language": "en",
        "people_count": "1",
    }
    data.update(fields)
    return client.post(f"{event.url}console/sync/", data), data


def test_the_console_shows_the_chosen_surveys_questions(
    client, linked_event, facilitator_of, consultation
):
    client.force_login(facilitator_of(linked_event))
    survey = consultation.surveys.get()
    page = client.get(f"{linked_event.url}console/?kind=paper_survey&survey={survey.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="q-transport"' in html and 'name="q-rank-a"' in html
    assert 'name="q-grid-trams"' in html and 'name="q-transport-other"' in html
    # The survey is chosen by its own GET form; the sheet form carries it hidden.
    assert 'id="choose_survey"' in html
    assert f'type="hidden" name="survey" value="{survey.pk}"' in html


def test_a_whole_paper_sheet_counts_once_in_the_survey_results(
    client, linked_event, facilitator_of, consultation
):
    facilitator = facilitator_of(linked_event)
    client.force_login(facilitator)
    survey = consultation.surveys.get()
    response, data = sync(
        client, linked_event, "paper_survey", survey=survey.pk, source_detail="Table 2", **SHEET
    )
    assert response.status_code == 200, response.content
    assert client.post(f"{linked_event.url}console/sync/", data).json() == response.json()
    stored = Response.objects.get()
    assert stored.answers["transport"] == "other"
    assert stored.answers["transport.other"] == "Scooter"
    assert stored.answers["rank"] == ["b", "a", "c"]
    assert stored.answers["grid"] == {"buses": 3, "trams": 5}
    assert (stored.channel, stored.entered_by, stored.source_id, stored.source_detail) == (
        Channel.OFFLINE_EVENT,
        facilitator,
        linked_event.pk,
        "Table 2",
    )
    item = EventInput.objects.get()
    assert item.target == stored
    assert item.text == "Paper survey: Mobility survey"
    assert item.board_state == BoardState.REJECTED  # a sheet is not shown to the room
    results = survey_results(survey)
    assert results["responses"] == 1
    assert results["by_channel"] == [("At an event", 1)]


def test_a_sheet_the_survey_refuses_names_the_question_and_keeps_nothing(
    client, linked_event, facilitator_of, consultation
):
    client.force_login(facilitator_of(linked_event))
    survey = consultation.surveys.get()
    sheet = {k: v for k, v in SHEET.items() if not k.startswith("q-transport")}
    response, _data = sync(client, linked_event, "paper_survey", survey=survey.pk, **sheet)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "How do you get around?" in errors["q-transport"][0]["message"]
    assert not Response.objects.exists() and not EventInput.objects.exists()


def test_the_form_without_javascript_keeps_the_sheet_when_refused(
    client, linked_event, facilitator_of, consultation
):
    client.force_login(facilitator_of(linked_event))
    survey = consultation.surveys.get()
    sheet = {**SHEET, "q-trips": "1000"}
    data = {"kind": "paper_survey", "language": "en", "people_count": "1", "survey": survey.pk}
    data.update(sheet)
    page = client.post(f"{linked_event.url}console/input/", data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Trips per week" in html and 'value="1000"' in html
    assert not Response.objects.exists()


def test_facilitators_of_an_unrelated_event_may_not_type_in_sheets(
    client, event, facilitator_of, consultation
):
    client.force_login(facilitator_of(event))
    survey = consultation.surveys.get()
    response, _data = sync(client, event, "paper_survey", survey=survey.pk, **SHEET)
    assert response.status_code == 403
    assert not Response.objects.exists() and not EventInput.objects.exists()


# --- paper ballots ------------------------------------------------------------------------------


@pytest.fixture
def make_ballot_round(home_page, make_proposal):
    def make(**config):
        round_page = make_round(home_page, state="vote", **config)
        projects = [
            make_proposal(round_page, title=title, cost=cost)
            for title, cost in (("Benches", 40_000), ("Bike lane", 30_000), ("Playground", 5_000))
        ]
        return round_page, projects

    return make


@pytest.fixture
def make_proposal(db):
    from budgeting.models import Proposal, ProposalStatus

    author = UserFactory(display_name="Noor")

    def make(round_page, *, title, cost):
        return Proposal.objects.create(
            process=round_page,
            author=author,
            title=title,
            description="For the square.",
            estimated_cost=cost,
            status=ProposalStatus.FEASIBLE,
        )

    return make


@pytest.fixture
def ballot_facilitator(event, facilitator_of):
    def make(round_page, name="Fay"):
        user = facilitator_of(event, name=name)
        role_assign(user=user, role=Role.FACILITATOR, scope=round_page, by=None)
        return user

    return make


def test_a_paper_ballot_is_counted_once_and_the_event_keeps_no_trace_of_it(
    client, event, make_ballot_round, ballot_facilitator
):
    round_page, (benches, bike, _play) = make_ballot_round(max_selections=2)
    client.force_login(ballot_facilitator(round_page))
    response, data = sync(
        client,
        event,
        "paper_ballot",
        round=round_page.pk,
        sheet="S-17",
        project=[bike.pk, benches.pk],
    )
    assert response.status_code == 200, response.content
    assert client.post(f"{event.url}console/sync/", data).json() == response.json()
    ballot = Ballot.objects.get()
    assert (ballot.channel, sorted(ballot.choices)) == (
        Channel.PAPER,
        sorted([bike.pk, benches.pk]),
    )
    assert PaperEntry.objects.get().status == PaperEntryStatus.CONFIRMED
    assert not VoterRecord.objects.exists()  # the roll is marked in budgeting's own step
    item = EventInput.objects.get()
    # The event's record names the round only: no sheet, no choices, not on the board.
    assert item.target == round_page and item.process_id == round_page.pk
    assert "S-17" not in item.text and "Bike" not in item.text
    assert item.board_state == BoardState.REJECTED
    assert item.receipt_code is None and not item.photos.exists()


def test_double_entry_counts_the_sheet_when_the_second_facilitator_agrees(
    client, event, make_ballot_round, ballot_facilitator
):
    round_page, (benches, _bike, play) = make_ballot_round(paper_double_entry=True)
    first, second = ballot_facilitator(round_page), ballot_facilitator(round_page, name="Sam")
    client.force_login(first)
    response, _data = sync(
        client, event, "paper_ballot", round=round_page.pk, sheet="7", project=[play.pk]
    )
    assert response.status_code == 200
    assert "second entry" in EventInput.objects.get().text
    assert not Ballot.objects.exists()
    client.force_login(second)
    response, _data = sync(
        client, event, "paper_ballot", round=round_page.pk, sheet="7", project=[play.pk]
    )
    assert response.status_code == 200
    assert Ballot.objects.get().choices == [play.pk]
    again, _data = sync(
        client, event, "paper_ballot", round=round_page.pk, sheet="7", project=[benches.pk]
    )
    assert again.status_code == 409  # Sam typed sheet 7 already
    assert Ballot.objects.count() == 1 and EventInput.objects.count() == 2


def test_a_ranked_paper_ballot_keeps_the_order_of_the_sheet(
    client, event, make_ballot_round, ballot_facilitator
):
    round_page, (benches, bike, play) = make_ballot_round(
        ballot_type=BallotType.RANKED, max_selections=3
    )
    client.force_login(ballot_facilitator(round_page))
    page = client.get(f"{event.url}console/?kind=paper_ballot&round={round_page.pk}")
    assert f'name="rank_{bike.pk}"' in page.content.decode()
    fields = {f"rank_{play.pk}": "1", f"rank_{benches.pk}": "2"}
    response, _data = sync(client, event, "paper_ballot", round=round_page.pk, sheet="9", **fields)
    assert response.status_code == 200, response.content
    assert Ballot.objects.get().choices == [play.pk, benches.pk]


def test_a_paper_ballot_the_round_refuses_says_why_and_keeps_nothing(
    client, event, make_ballot_round, ballot_facilitator
):
    round_page, _projects = make_ballot_round()
    client.force_login(ballot_facilitator(round_page))
    response, _data = sync(client, event, "paper_ballot", round=round_page.pk, sheet="1")
    assert response.status_code == 400
    assert response.json()["errors"]["choices"][0]["message"] == "Choose at least one project."
    assert not Ballot.objects.exists() and not EventInput.objects.exists()


def test_only_facilitators_of_the_round_enter_its_ballots(
    client, event, facilitator_of, make_ballot_round
):
    round_page, (benches, _bike, _play) = make_ballot_round()
    client.force_login(facilitator_of(event))
    response, _data = sync(
        client, event, "paper_ballot", round=round_page.pk, sheet="1", project=[benches.pk]
    )
    assert response.status_code == 403
    assert not Ballot.objects.exists() and not EventInput.objects.exists()


def test_a_ballot_carries_nothing_that_could_say_whose_it_is(
    event, make_ballot_round, ballot_facilitator
):
    round_page, (benches, _bike, _play) = make_ballot_round()
    by = ballot_facilitator(round_page)
    data = {"round": round_page, "sheet": "3", "project": [benches.pk]}
    for extra in ({"receipt_code": "ABCD-EFGH-JKLM"}, {"people_count": 3}, {"title": "Ann"}):
        with pytest.raises(DomainError):
            services.input_log(
                event=event, by=by, kind="paper_ballot", text="", data=dict(data), **extra
            )
    assert not Ballot.objects.exists()
