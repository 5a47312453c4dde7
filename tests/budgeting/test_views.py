"""Pages of a round: the JavaScript-free ballot, review, receipts, paper entry, managing,
results and exports; bad input is a 4xx and stores nothing."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from budgeting import services
from budgeting.models import (
    Ballot,
    BallotType,
    DistrictBudget,
    ImplementationStatus,
    PaperEntry,
    Proposal,
    ProposalStatus,
    Tally,
    VoterRecord,
)
from civitas.accounts.models import Role
from civitas.core.exports import safe_cell
from civitas.home.models import HomePage
from civitas.participation.models import Phase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def cast_url(round_page):
    """The ballot's own URL, where the ballot form posts."""
    return f"/budgeting/{round_page.pk}/vote/"


def vote_url(round_page, district=None):
    suffix = f"?district={district.pk}" if district else ""
    return f"{round_page.url}vote/{suffix}"


def test_round_page_lists_proposals_and_budgets(client, round_page, ballot_projects):
    response = client.get(round_page.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Benches" in text and "North park" in text and "50,000" in text


def test_round_page_queries_do_not_grow(
    client, round_page, make_proposal, resident, django_assert_max_num_queries
):
    client.force_login(resident)
    for i in range(3):
        make_proposal(round_page, title=f"P{i}")
    with django_assert_max_num_queries(40) as small:
        client.get(round_page.url)
    for i in range(25):
        make_proposal(round_page, title=f"Q{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(round_page.url)


def test_propose_through_the_form(client, make_round_page, resident, districts):
    round_page = make_round_page("propose")
    client.force_login(resident)
    form = client.get(f"{round_page.url}propose/")
    assert form.status_code == 200
    key = re.search(r'name="submission_key" value="([^"]+)"', form.content.decode()).group(1)
    data = {
        "title": "Water fountain",
        "description": "By the playground",
        "estimated_cost": "8000",
        "district": districts[0].pk,
        "submission_key": key,
    }
    response = client.post(f"{round_page.url}propose/", data)
    assert response.status_code == 302
    again = client.post(f"{round_page.url}propose/", data)
    assert again.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.author == resident and proposal.status == ProposalStatus.SUBMITTED
    bad = client.post(
        f"{round_page.url}propose/", {**data, "estimated_cost": "-3", "submission_key": ""}
    )
    assert bad.status_code == 400 and Proposal.objects.count() == 1


def test_ballot_without_javascript_update_review_confirm(
    client, round_page, ballot_projects, resident
):
    client.force_login(resident)
    url = vote_url(round_page)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "North park" in text and "South library" not in text  # own district only
    picks = [ballot_projects["a"].pk, ballot_projects["north"].pk]
    update = client.post(url, {"action": "update", "project": picks})
    assert update.status_code == 200
    assert "Chosen: 1 projects" in update.content.decode()
    review = client.post(url, {"action": "review", "project": picks})
    assert review.status_code == 200
    assert "Check your ballot" in review.content.decode()
    assert not Ballot.objects.exists()
    done = client.post(url, {"action": "confirm", "project": picks})
    assert done.status_code == 302 and done["Location"].endswith("vote/done/")
    receipt_page = client.get(done["Location"])
    receipt = re.search(r"data-receipt>([A-Z0-9-]+)<", receipt_page.content.decode()).group(1)
    assert services.receipt_counted(round=round_page, receipt=receipt)
    # The receipt is shown once.
    assert client.get(done["Location"]).status_code == 302
    check = client.get(f"{round_page.url}receipts/", {"receipt": receipt})
    assert check.status_code == 200 and "Yes: a ballot" in check.content.decode()
    # Coming back shows the stored ballot to change.
    again = client.get(url).content.decode()
    assert f'value="{ballot_projects["a"].pk}" id="project-{ballot_projects["a"].pk}"' in again
    assert "checked" in again


def test_knapsack_update_shows_the_total_and_the_error(
    client, make_round_page, make_proposal, resident
):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.KNAPSACK, total_budget=100, district_budgets=False
    )
    a = make_proposal(round_page, title="A", cost=70)
    b = make_proposal(round_page, title="B", cost=40)
    client.force_login(resident)
    url = vote_url(round_page)
    update = client.post(url, {"action": "update", "project": [a.pk, b.pk]})
    assert "Chosen: 110 of 100" in update.content.decode()
    review = client.post(url, {"action": "review", "project": [a.pk, b.pk]})
    assert review.status_code == 400 and "more than the budget" in review.content.decode()
    confirm = client.post(url, {"action": "confirm", "project": [a.pk, b.pk]})
    assert confirm.status_code == 400 and not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("language", "separator"), [("en", ","), ("es", "\xa0"), ("fr", "\xa0"), ("ar", "")]
)
def test_amounts_are_grouped_by_thousands_in_the_language(
    client, make_round_page, make_proposal, resident, language, separator
):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.KNAPSACK, total_budget=1_250_000, district_budgets=False
    )
    a = make_proposal(round_page, title="A", cost=700_000)
    client.force_login(resident)
    client.cookies["django_language"] = language
    grouped = separator.join(["1", "250", "000"])
    page = client.get(round_page.url).content.decode()
    assert f"{grouped} {round_page.currency}" in page
    update = client.post(vote_url(round_page), {"action": "update", "project": [a.pk]})
    html = update.content.decode()
    assert f"700{separator}000" in html and grouped in html
    # The script groups the running total with the same separator, the raw amounts as data.
    assert f'data-thousands="{separator}"' in html.replace("&nbsp;", "\xa0")
    assert 'data-budget="1250000"' in html and 'data-cost="700000"' in html


@pytest.mark.parametrize("case", ["other district", "other round", "unknown", "junk id"])
def test_tampered_ballots_are_4xx_and_store_nothing(
    client, round_page, make_round_page, make_proposal, ballot_projects, resident, case
):
    other = make_proposal(make_round_page("vote"), title="Elsewhere")
    project = {
        "other district": ballot_projects["south"].pk,
        "other round": other.pk,
        "unknown": 999999,
        "junk id": "1; DROP TABLE",
    }[case]
    client.force_login(resident)
    response = client.post(vote_url(round_page), {"action": "confirm", "project": [project]})
    assert 400 <= response.status_code < 500
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_forced_other_district_is_refused(client, round_page, ballot_projects, resident, districts):
    client.force_login(resident)
    response = client.post(
        vote_url(round_page, districts[1]),
        {
            "action": "confirm",
            "district": districts[1].pk,
            "project": [ballot_projects["south"].pk],
        },
    )
    assert 400 <= response.status_code < 500
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("points", ["-2", "1.5", "abc", "11"])
def test_cumulative_bad_points_are_400(client, make_round_page, make_proposal, resident, points):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.CUMULATIVE, points=10, district_budgets=False
    )
    project = make_proposal(round_page)
    client.force_login(resident)
    response = client.post(
        vote_url(round_page), {"action": "confirm", f"points_{project.pk}": points}
    )
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_ranked_ballot_keeps_the_order(client, make_round_page, make_proposal, resident):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.RANKED, max_selections=3, district_budgets=False
    )
    a, b, c = (make_proposal(round_page, title=t) for t in "ABC")
    client.force_login(resident)
    response = client.post(
        vote_url(round_page),
        {
            "action": "confirm",
            f"rank_{a.pk}": "2",
            f"rank_{b.pk}": "1",
            f"rank_{c.pk}": "",
        },
    )
    assert response.status_code == 302
    assert Ballot.objects.get().choices == [b.pk, a.pk]
    same_rank = client.post(
        vote_url(round_page), {"action": "confirm", f"rank_{a.pk}": "1", f"rank_{b.pk}": "1"}
    )
    assert same_rank.status_code == 400


def test_closed_voting_is_403(client, make_round_page, make_proposal, resident):
    round_page = make_round_page("results")
    project = make_proposal(round_page)
    client.force_login(resident)
    response = client.post(vote_url(round_page), {"action": "confirm", "project": [project.pk]})
    assert response.status_code == 403 and not Ballot.objects.exists()


def test_code_round_asks_for_the_code(client, make_round_page, make_proposal, resident):
    round_page = make_round_page("vote", verification="code", district_budgets=False)
    project = make_proposal(round_page)
    (code,) = services.voting_codes_generate(round=round_page, count=1, by=None)
    client.force_login(resident)
    url = vote_url(round_page)
    assert 'name="credential"' in client.get(url).content.decode()
    missing = client.post(url, {"action": "confirm", "project": [project.pk]})
    assert missing.status_code == 400
    wrong = client.post(
        url, {"action": "confirm", "project": [project.pk], "credential": "AAAA-BBBB"}
    )
    assert wrong.status_code == 400
    ok = client.post(url, {"action": "confirm", "project": [project.pk], "credential": code})
    assert ok.status_code == 302
    other = UserFactory()
    client.force_login(other)
    reused = client.post(url, {"action": "confirm", "project": [project.pk], "credential": code})
    assert reused.status_code == 409 and Ballot.objects.count() == 1


# --- permissions ------------------------------------------------------------------------------

PAGES = ("vote/", "propose/", "paper/", "manage/", "proposals/{p}/review/")


@pytest.fixture
def people(role_user, round_page, resident):
    return {
        "anonymous": None,
        "resident": resident,
        "unverified": UserFactory(verified=False),
        "facilitator": role_user(Role.FACILITATOR, round_page, "Fay"),
        "department": role_user(Role.DEPARTMENT_MEMBER, round_page, "Dee"),
        "taskforce": role_user(Role.TASKFORCE, None, "Tess"),
    }


EXPECTED = {
    # vote phase: propose is closed for everyone.
    "anonymous": {"vote/": 302, "propose/": 302, "paper/": 302, "manage/": 302, "review": 302},
    "resident": {"vote/": 200, "propose/": 403, "paper/": 403, "manage/": 403, "review": 403},
    "unverified": {"vote/": 403, "propose/": 403, "paper/": 403, "manage/": 403, "review": 403},
    "facilitator": {"vote/": 200, "propose/": 403, "paper/": 200, "manage/": 403, "review": 403},
    "department": {"vote/": 200, "propose/": 403, "paper/": 403, "manage/": 403, "review": 200},
    "taskforce": {"vote/": 200, "propose/": 403, "paper/": 200, "manage/": 200, "review": 200},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(client, round_page, ballot_projects, people, who):
    if people[who] is not None:
        client.force_login(people[who])
    proposal = ballot_projects["a"]
    for page, expected in EXPECTED[who].items():
        path = f"proposals/{proposal.pk}/review/" if page == "review" else page
        response = client.get(f"{round_page.url}{path}")
        assert response.status_code == expected, (who, page, response.status_code)


# --- paper, managing, results -----------------------------------------------------------------


def test_facilitator_enters_a_paper_ballot(
    client, round_page, ballot_projects, role_user, resident
):
    client.force_login(role_user(Role.FACILITATOR, round_page, "Fay"))
    url = f"{round_page.url}paper/"
    page = client.get(url).content.decode()
    assert 'value="roll"' in page and page.count('name="voter_identifier"') == 1
    marked = client.post(url, {"action": "roll", "voter_identifier": resident.email})
    assert marked.status_code == 302 and VoterRecord.objects.get().channel == "paper"
    assert not Ballot.objects.exists()
    response = client.post(url, {"sheet": "A-1", "project": [ballot_projects["a"].pk]})
    assert response.status_code == 302
    assert Ballot.objects.get().channel == "paper"
    again = client.post(url, {"action": "roll", "voter_identifier": resident.email})
    assert again.status_code == 409 and "already voted" in again.content.decode()
    assert VoterRecord.objects.count() == 1
    empty = client.post(url, {"action": "roll", "voter_identifier": ""})
    assert empty.status_code == 400
    assert PaperEntry.objects.count() == 1 and Ballot.objects.count() == 1


def close_count_publish(client, round_page, capture, rule="greedy"):
    url = f"{round_page.url}manage/"
    assert client.post(url, {"action": "close"}).status_code == 302
    with capture(execute=True):  # the count is queued when the request's transaction commits
        assert client.post(url, {"action": "count", "rule": rule}).status_code == 302
    assert client.post(url, {"action": "publish"}).status_code == 302


def test_close_count_publish_and_results(
    client, round_page, ballot_projects, role_user, resident, django_capture_on_commit_callbacks
):
    north_voter = resident
    for user, picks in (
        (north_voter, ["a", "north"]),
        (UserFactory(district=resident.district), ["a", "b"]),
        (UserFactory(), ["c"]),
    ):
        services.ballot_cast(
            round=round_page,
            voter=services.voter_for(round=round_page, user=user),
            district_id=user.district_id if "north" in picks else None,
            selection=[(ballot_projects[p].pk, None) for p in picks],
        )
    client.force_login(role_user(Role.TASKFORCE))
    assert client.get(f"{round_page.url}results/").status_code == 404
    close_count_publish(client, round_page, django_capture_on_commit_callbacks)
    tally = Tally.objects.get()
    assert tally.status == "done" and tally.published_at and len(tally.checksum) == 64
    city = next(pot for pot in tally.pots if pot["district"] is None)
    assert city["votes"][str(ballot_projects["a"].pk)] == 2
    assert ballot_projects["a"].pk in city["winners"]
    funded = Proposal.objects.get(pk=ballot_projects["a"].pk)
    assert funded.funded and funded.implementation_status == ImplementationStatus.PLANNED
    page = client.get(f"{round_page.url}results/")
    text = page.content.decode()
    assert page.status_code == 200
    assert tally.checksum in text and "<svg" in text and "<table" in text
    assert "was funded" in text
    csv_text = client.get(f"{round_page.url}results/csv/").content.decode()
    assert "Benches" in csv_text.splitlines()[1] or "Benches" in csv_text
    pb = client.get(f"{round_page.url}pabulib/")
    assert pb.status_code == 200 and pb.content.decode().startswith("META")


def test_recount_gives_the_same_checksum_and_winners(round_page, ballot_projects, resident):
    from budgeting.tasks import run_tally

    services.ballot_cast(
        round=round_page,
        voter=services.voter_for(round=round_page, user=resident),
        district_id=None,
        selection=[(ballot_projects["a"].pk, None)],
    )
    services.voting_close(round=round_page, by=None)
    first = services.tally_request(round=round_page, by=None, rule="greedy")
    second = services.tally_request(round=round_page, by=None, rule="greedy")
    for tally in (first, second):
        run_tally.call(tally_id=tally.pk)
        tally.refresh_from_db()
    assert first.checksum == second.checksum
    assert first.pots == second.pots


def test_counting_is_refused_while_voting_is_open(round_page):
    from civitas.core.errors import Conflict

    with pytest.raises(Conflict):
        services.tally_request(round=round_page, by=None)


def test_csv_cells_never_start_a_formula():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-3") == "'-3" and safe_cell("@x") == "'@x"
    assert safe_cell("Trees") == "Trees" and safe_cell(None) == ""


def test_results_explain_equal_shares_round_by_round(
    client, make_round_page, make_proposal, django_capture_on_commit_callbacks
):
    round_page = make_round_page("vote", total_budget=100, district_budgets=False)
    cheap = make_proposal(round_page, title="Cheap", cost=30)
    dear = make_proposal(round_page, title="Dear", cost=90)
    nobody = make_proposal(round_page, title="Nobody", cost=10)
    for picks in ([cheap], [cheap], [cheap, dear], [dear]):
        voter = services.voter_for(round=round_page, user=UserFactory())
        services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=[(p.pk, None) for p in picks]
        )
    services.voting_close(round=round_page, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        tally = services.tally_request(round=round_page, by=None, rule="mes")
    tally.refresh_from_db()
    services.result_publish(tally=tally, by=None)
    text = client.get(f"{round_page.url}results/").content.decode()
    # Each of 4 voters has 25; Cheap's 3 supporters pay 10 each; Dear's 2 have 15 + 25 = 40.
    assert "Round 1: “Cheap”" in text and "none paid more than 10.00" in text
    assert "“Dear” (2 votes) was not funded" in text and "50.00 EUR short" in text
    assert "“Nobody” was not funded: nobody voted for it." in text
    assert nobody.pk not in tally.pots[0]["winners"]


def test_ballot_page_queries_do_not_grow(
    client, round_page, make_proposal, resident, django_assert_max_num_queries
):
    client.force_login(resident)
    for i in range(3):
        make_proposal(round_page, title=f"P{i}")
    with django_assert_max_num_queries(40) as small:
        client.get(vote_url(round_page))
    for i in range(30):
        make_proposal(round_page, title=f"Q{i}", district=resident.district)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.post(vote_url(round_page), {"action": "update", "project": []})
    assert response.status_code == 200


def test_author_edits_while_proposals_are_open(
    client, make_round_page, make_proposal, author, resident
):
    round_page = make_round_page("propose")
    proposal = make_proposal(round_page, status=ProposalStatus.SUBMITTED)
    url = f"{round_page.url}proposals/{proposal.pk}/edit/"
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(author)
    assert (
        "Edit your proposal"
        in client.get(f"{round_page.url}proposals/{proposal.pk}/").content.decode()
    )
    data = {
        "title": "Trees and benches",
        "description": "More shade",
        "estimated_cost": "12000",
        "district": "",
    }
    assert client.post(url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Trees and benches" and proposal.estimated_cost == 12_000
    assert client.post(url, {**data, "estimated_cost": "1.5"}).status_code == 400
    closed = make_round_page("vote")
    other = make_proposal(closed)
    assert client.get(f"{closed.url}proposals/{other.pk}/edit/").status_code == 403


def test_double_entry_mismatch_is_flagged_and_settled_by_staff(
    client, make_round_page, make_proposal, role_user
):
    round_page = make_round_page("vote", paper_double_entry=True, district_budgets=False)
    a, b = make_proposal(round_page, title="A"), make_proposal(round_page, title="B")
    url = f"{round_page.url}paper/"
    first = role_user(Role.FACILITATOR, round_page, "One")
    second = role_user(Role.FACILITATOR, round_page, "Two")
    client.force_login(first)
    assert client.post(url, {"sheet": "9", "project": [a.pk]}).status_code == 302
    client.force_login(second)
    assert client.post(url, {"sheet": "9", "project": [b.pk]}).status_code == 302
    assert not Ballot.objects.exists()
    page = client.get(url).content.decode()
    assert "Sheets whose two entries differ" in page and 'name="resolve"' not in page
    assert client.post(url, {"sheet": "9", "project": [b.pk], "resolve": "1"}).status_code == 403
    client.force_login(role_user(Role.TASKFORCE))
    assert client.post(url, {"sheet": "9", "project": [b.pk], "resolve": "1"}).status_code == 302
    assert Ballot.objects.get().choices == [b.pk]


def test_facilitator_checks_a_voter_in_person(
    client, make_round_page, make_proposal, role_user, resident
):
    round_page = make_round_page("vote", verification="in_person", district_budgets=False)
    project = make_proposal(round_page)
    client.force_login(resident)
    refused = client.post(vote_url(round_page), {"action": "confirm", "project": [project.pk]})
    assert refused.status_code == 403 and not Ballot.objects.exists()
    client.force_login(role_user(Role.FACILITATOR, round_page, "Fay"))
    url = f"{round_page.url}paper/"
    assert client.post(url, {"action": "check", "person": "nobody@example.org"}).status_code == 400
    assert client.post(url, {"action": "check", "person": resident.email}).status_code == 302
    client.force_login(resident)
    done = client.post(vote_url(round_page), {"action": "confirm", "project": [project.pk]})
    assert done.status_code == 302 and Ballot.objects.count() == 1


# The statements one ballot post costs through the ballot's own URL (where the form posts):
# session, user, phases, e-mail verified, terms consent, ballot options, the roll row, the
# ballot, and the savepoint around the last two that the test transaction adds (2). The round
# itself (page, district budgets, view restrictions) comes from the cache; the receipt goes to
# the next page in a signed cookie, not in the session. It was 20 through the round page.
BALLOT_POST_QUERIES = 10


def test_casting_a_ballot_takes_a_fixed_number_of_queries(
    client, round_page, make_proposal, districts, django_assert_num_queries
):
    north = districts[0]
    for i in range(3):
        make_proposal(round_page, title=f"P{i}")

    url = cast_url(round_page)
    services.ballot_round(round_page.pk)  # the first post of a round in a process reads it

    def cast(count):
        voter = UserFactory(district=north)
        client.force_login(voter)
        options = services.ballot_options(round_page, north.pk)
        data = {"action": "confirm", "district": north.pk, "project": list(options)[:count]}
        with django_assert_num_queries(BALLOT_POST_QUERIES):
            response = client.post(url, data)
        assert response.status_code == 302

    cast(2)
    for i in range(30):
        make_proposal(round_page, title=f"Q{i}", district=north)
    for _ in range(3):
        cast(5)
    assert Ballot.objects.filter(round=round_page).count() == VoterRecord.objects.count() == 4


# --- the ballot's own URL ---------------------------------------------------------------------


def test_the_form_posts_to_the_ballot_url_and_the_receipt_skips_the_database(
    client, round_page, ballot_projects, resident
):
    client.force_login(resident)
    form = client.get(vote_url(round_page)).content.decode()
    url = cast_url(round_page)
    assert f'<form method="post" action="{url}"' in form
    picks = [ballot_projects["b"].pk, ballot_projects["north"].pk]
    review = client.post(url, {"action": "review", "project": picks})
    assert review.status_code == 200 and "Check your ballot" in review.content.decode()
    assert f'action="{url}"' in review.content.decode()
    done = client.post(url, {"action": "confirm", "project": picks})
    assert done.status_code == 302 and done["Location"] == f"{url}done/"
    cookie = done.cookies["budgeting_receipt"]
    assert cookie["httponly"] and cookie["path"] == f"{url}done/"
    # Nothing stored ties the voter to the receipt: no session holds it.
    stored = [s.get_decoded() for s in Session.objects.all()]
    assert stored and not any("budgeting_receipt" in data for data in stored)
    receipt_page = client.get(done["Location"])
    assert receipt_page["Cache-Control"] == "no-store"
    receipt = re.search(r"data-receipt>([A-Z0-9-]+)<", receipt_page.content.decode()).group(1)
    assert services.receipt_counted(round=round_page, receipt=receipt)
    assert receipt_page.cookies["budgeting_receipt"].value == ""  # shown once
    assert client.get(done["Location"]).status_code == 302
    # The round page's old confirmation address leads to the same page.
    assert client.get(f"{round_page.url}vote/done/")["Location"] == f"{url}done/"


def test_a_receipt_cookie_that_was_not_issued_for_this_round_shows_nothing(
    client, round_page, make_round_page, ballot_projects, resident
):
    other = make_round_page("vote")
    client.force_login(resident)
    picks = [ballot_projects["a"].pk]
    done = client.post(cast_url(round_page), {"action": "confirm", "project": picks})
    signed = done.cookies["budgeting_receipt"].value
    client.cookies["budgeting_receipt"] = signed
    response = client.get(f"{cast_url(other)}done/")
    assert response.status_code == 302 and response["Location"] == other.url
    client.cookies["budgeting_receipt"] = "AAAA-BBBB-CCCC:0"
    response = client.get(f"{cast_url(round_page)}done/")
    assert response.status_code == 302 and response["Location"] == round_page.url


def test_a_get_of_the_ballot_url_goes_to_the_round_page(client, round_page):
    response = client.get(f"{cast_url(round_page)}?district=3")
    assert response.status_code == 302
    assert response["Location"] == f"{round_page.url}vote/?district=3"


def test_unknown_and_unpublished_rounds_are_404(client, round_page, ballot_projects, resident):
    client.force_login(resident)
    data = {"action": "confirm", "project": [ballot_projects["a"].pk]}
    assert client.post("/budgeting/999999/vote/", data).status_code == 404
    assert client.get("/budgeting/999999/vote/done/").status_code == 404
    round_page.unpublish()
    assert client.post(cast_url(round_page), data).status_code == 404
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_the_ballot_url_answers_only_on_the_rounds_site(
    client, round_page, ballot_projects, resident, settings
):
    """Another site's hostname does not reach the round, as with Wagtail's routing; a hostname
    no site has reaches it through the default site."""
    settings.ALLOWED_HOSTS = ["*"]
    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Other town", slug="other-town")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    client.force_login(resident)
    data = {"action": "confirm", "project": [ballot_projects["a"].pk]}
    assert client.post(cast_url(round_page), data, HTTP_HOST="other.example").status_code == 404
    assert client.get(f"{cast_url(round_page)}done/", HTTP_HOST="Other.Example").status_code == 404
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()
    response = client.post(cast_url(round_page), data, HTTP_HOST="vote.riverton.example")
    assert response.status_code == 302
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "unverified", "no csrf token"])
def test_the_ballot_url_asks_the_same_questions(round_page, ballot_projects, resident, who):
    client = Client(enforce_csrf_checks=True)
    data = {"action": "confirm", "project": [ballot_projects["a"].pk]}
    if who == "unverified":
        client.force_login(UserFactory(verified=False))
    elif who == "no csrf token":
        client.force_login(resident)
    if who != "no csrf token":  # a valid token, so that the permission is what answers
        client.cookies["csrftoken"] = token = "a" * 32
        data["csrfmiddlewaretoken"] = token
    response = client.post(cast_url(round_page), data)
    expected = {"anonymous": 302, "unverified": 403, "no csrf token": 403}[who]
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_closing_voting_and_hiding_a_proposal_count_at_once(
    client, round_page, ballot_projects, resident, django_assert_num_queries
):
    """The cached round never holds phases or the proposals on the ballot: changes made even
    without signals (a bulk update) reach the next post."""
    client.force_login(resident)
    url = cast_url(round_page)
    services.ballot_round(round_page.pk)
    with django_assert_num_queries(0):
        services.ballot_round(round_page.pk)
    hidden = ballot_projects["a"]
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    refused = client.post(url, {"action": "confirm", "project": [hidden.pk]})
    assert refused.status_code == 400
    Phase.objects.filter(page=round_page, phase_type="budgeting.vote").update(
        ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    closed = client.post(url, {"action": "confirm", "project": [ballot_projects["b"].pk]})
    assert closed.status_code == 403
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_changes_to_the_round_are_read_again(
    client, round_page, ballot_projects, resident, districts
):
    client.force_login(resident)
    assert len(services.ballot_round(round_page.pk).budget_rows()) == 2
    DistrictBudget.objects.filter(page=round_page, district=districts[1]).delete()
    assert len(services.ballot_round(round_page.pk).budget_rows()) == 1
    round_page.max_selections = 1
    round_page.save_revision().publish()
    assert services.ballot_round(round_page.pk).max_selections == 1
    picks = [ballot_projects["a"].pk, ballot_projects["b"].pk]
    too_many = client.post(cast_url(round_page), {"action": "confirm", "project": picks})
    assert too_many.status_code == 400
    PageViewRestriction.objects.create(page=round_page, restriction_type="login")
    private = client.post(cast_url(round_page), {"action": "confirm", "project": picks[:1]})
    assert private.status_code == 403
    assert not Ballot.objects.exists()


def test_a_stale_read_of_the_round_is_never_kept(round_page):
    """An entry stored under an older token (read while a change committed) is read again."""
    services.ballot_round(round_page.pk)
    key = f"budgeting:round:{round_page.pk}"
    token, cached = cache.get(key)
    cached.max_selections = 99
    cache.set(key, ("an older token", cached))
    assert services.ballot_round(round_page.pk).max_selections != 99


def test_site_search_finds_public_proposals_only(
    client, round_page, make_proposal, make_round_page
):
    from django.urls import reverse

    found = make_proposal(round_page, title="Fountain by the library")
    make_proposal(round_page, title="Fountain hidden", hidden_at="2026-01-01T00:00Z")
    make_proposal(round_page, title="Fountain merged", status=ProposalStatus.MERGED)
    draft = make_round_page("vote", district_budgets=False, title="Draft round", live=False)
    make_proposal(draft, title="Fountain in a draft round")
    response = client.get(reverse("core:search"), {"q": "fountain"})
    assert response.status_code == 200
    titles = [str(obj) for obj in response.context["contribution_results"]]
    assert titles == ["Fountain by the library"]
    assert f'href="{round_page.url}proposals/{found.pk}/"' in response.content.decode()


def test_a_proposal_has_a_point_on_the_map(client, make_round_page, resident, settings):
    import uuid

    settings.CIVITAS_MAP_BOUNDS = (50.0, 4.0, 51.0, 5.0)
    round_page = make_round_page("propose")
    client.force_login(resident)
    url = f"{round_page.url}propose/"
    form = client.get(url).content.decode()
    assert "data-civitas-map-picker" in form and 'name="latitude"' in form
    data = {"title": "Pond", "description": "Ducks", "estimated_cost": 5000}
    outside = client.post(
        url, {**data, "latitude": "48.1", "longitude": "4.5", "submission_key": uuid.uuid4()}
    )
    assert outside.status_code == 400 and "outside the city" in outside.content.decode()
    half = client.post(url, {**data, "latitude": "50.5", "submission_key": uuid.uuid4()})
    assert half.status_code == 400 and not Proposal.objects.exists()
    done = client.post(
        url, {**data, "latitude": "50.5", "longitude": "4.25", "submission_key": uuid.uuid4()}
    )
    assert done.status_code == 302
    proposal = Proposal.objects.get()
    assert (str(proposal.latitude), str(proposal.longitude)) == ("50.500000", "4.250000")
    listing = client.get(round_page.url).content.decode()
    assert "data-civitas-map" in listing and f"proposals/{proposal.pk}/" in listing
    assert "50.5" in listing
    detail = client.get(f"{round_page.url}proposals/{proposal.pk}/").content.decode()
    assert "Map of the proposal" in detail
