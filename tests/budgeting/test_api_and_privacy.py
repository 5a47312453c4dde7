"""The public API (rounds, proposals, results; nothing about who voted), personal data,
account deletion, and implementation news for followers."""

import json

import pytest

from budgeting import services
from budgeting.models import Ballot, InPersonCheck, ProposalStatus
from budgeting.selectors import personal_data
from budgeting.tasks import run_tally
from civitas.interactions.models import Follow
from civitas.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def published(round_page, ballot_projects, resident):
    services.ballot_cast(
        round=round_page,
        voter=services.voter_for(round=round_page, user=resident),
        district_id=None,
        selection=[(ballot_projects["a"].pk, None)],
    )
    services.voting_close(round=round_page, by=None)
    tally = services.tally_request(round=round_page, by=None, rule="greedy")
    run_tally.call(tally_id=tally.pk)
    tally.refresh_from_db()
    return services.result_publish(tally=tally, by=None)


def test_api_lists_rounds_proposals_and_the_result(
    client, round_page, ballot_projects, resident, django_assert_max_num_queries
):
    rounds = client.get("/api/v1/budgeting/rounds").json()
    assert [r["id"] for r in rounds] == [round_page.pk]
    assert {p["district"] for p in rounds[0]["pots"]} == {None, "North", "South"}
    with django_assert_max_num_queries(12):
        proposals = client.get(f"/api/v1/budgeting/rounds/{round_page.pk}/proposals").json()
    assert {p["title"] for p in proposals} >= {"Benches", "North park"}
    assert client.get(f"/api/v1/budgeting/rounds/{round_page.pk}/result").status_code == 404
    assert (
        client.get(
            f"/api/v1/budgeting/rounds/{round_page.pk}/proposals?status=nonsense"
        ).status_code
        == 400
    )
    tally = published(round_page, ballot_projects, resident)
    result = client.get(f"/api/v1/budgeting/rounds/{round_page.pk}/result").json()
    assert result["checksum"] == tally.checksum and result["ballots"] == 1
    text = json.dumps(result) + json.dumps(proposals) + json.dumps(rounds)
    assert "voter" not in text.replace("voters", "").replace("voter_budget", "")
    assert "receipt" not in text


def test_unpublished_rounds_are_not_in_the_api(client, make_round_page):
    draft = make_round_page("vote", live=False)
    assert client.get(f"/api/v1/budgeting/rounds/{draft.pk}").status_code == 404


def test_personal_data_lists_proposals_and_rounds_voted_in_but_not_choices(
    round_page, ballot_projects, author, resident
):
    services.ballot_cast(
        round=round_page,
        voter=services.voter_for(round=round_page, user=resident),
        district_id=None,
        selection=[(ballot_projects["b"].pk, None)],
    )
    (mine,) = personal_data(resident)
    assert mine["voted_in"] == [round_page.title] and mine["proposals"] == []
    (theirs,) = personal_data(author)
    assert len(theirs["proposals"]) == 5 and theirs["voted_in"] == []
    assert "Bike lane" not in json.dumps(mine)


def test_account_deletion_keeps_the_ballot_and_forgets_checks(make_round_page, resident):
    from civitas.accounts.services import account_delete

    round_page = make_round_page("vote", verification="in_person")
    services.in_person_check(round=round_page, user=resident, by=None)
    account_delete(user=resident)
    assert not InPersonCheck.objects.exists()


def test_implementation_news_reaches_followers(round_page, ballot_projects, resident, author):
    published(round_page, ballot_projects, resident)
    funded = ballot_projects["a"]
    funded.refresh_from_db()
    follower = UserFactory()
    from django.contrib.contenttypes.models import ContentType

    Follow.objects.create(
        target_type=ContentType.objects.get_for_model(funded), target_id=funded.pk, user=follower
    )
    staff = UserFactory()
    proposal, update = services.implementation_update(
        proposal=funded, by=staff, status="in_progress", progress=40, text="Digging started"
    )
    assert proposal.progress == 40 and update.text == "Digging started"
    told = set(
        Notification.objects.filter(kind="budgeting.implementation").values_list(
            "recipient", flat=True
        )
    )
    assert told == {follower.pk, author.pk}
    loser = ballot_projects["c"]
    from civitas.core.errors import Conflict

    with pytest.raises(Conflict):
        services.implementation_update(proposal=loser, by=staff, progress=10)
    assert Ballot.objects.count() == 1
    assert loser.status == ProposalStatus.FEASIBLE


def test_staff_report_progress_and_milestones_from_the_page(
    client, round_page, ballot_projects, resident, role_user
):
    from civitas.accounts.models import Role

    published(round_page, ballot_projects, resident)
    funded = ballot_projects["a"]
    url = f"{round_page.url}proposals/{funded.pk}/implementation/"
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(role_user(Role.TASKFORCE))
    form = {
        "status": "in_progress",
        "progress": "30",
        "department_name": "Parks",
        "text": "Benches ordered",
        "milestone": "Benches installed",
        "milestone_due": "2030-05-01",
    }
    assert client.post(url, form).status_code == 302
    funded.refresh_from_db()
    milestone = funded.milestones.get()
    assert funded.progress == 30 and milestone.done_on is None
    assert (
        client.post(
            url, {**form, "milestone": "", "milestones_done": [milestone.pk], "progress": "101"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {**form, "milestone": "", "text": "", "milestones_done": [milestone.pk]}
        ).status_code
        == 302
    )
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    page = client.get(f"{round_page.url}proposals/{funded.pk}/").content.decode()
    assert "Benches installed" in page and "Benches ordered" in page and "30 %" in page
