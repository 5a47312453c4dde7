"""Races on ballots are settled by the database: one roll row per voter, one claim per code."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from budgeting import services
from budgeting.models import Ballot, BallotType, BudgetRoundPage, VoterRecord, VotingCode
from civitas.accounts.models import User
from civitas.core.errors import Conflict
from tests.concurrency import run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    ContentType.objects.clear_cache()


def caster(round_id, user_id, selection, credential=""):
    """A call for run_together: reads before the barrier, casts after it."""

    def prepare():
        round_page = BudgetRoundPage.objects.get(pk=round_id)
        user = AnonymousUser() if user_id is None else User.objects.get(pk=user_id)
        voter = services.voter_for(round=round_page, user=user, credential=credential)
        return lambda: services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=selection
        )

    return prepare


@pytest.mark.parametrize("changeable", [True, False])
def test_fifty_ballots_of_one_voter_at_once_leave_one(
    make_round_page, make_proposal, resident, changeable
):
    round_page = make_round_page("vote", ballots_changeable=changeable)
    project = make_proposal(round_page)
    results, errors = run_together(
        [caster(round_page.pk, resident.pk, [(project.pk, None)]) for _i in range(50)]
    )
    assert Ballot.objects.filter(round=round_page).count() == 1
    assert VoterRecord.objects.filter(round=round_page).count() == 1
    if changeable:
        assert errors == [] and len(results) == 50
        # Only the last receipt counts.
        assert sum(services.receipt_counted(round=round_page, receipt=r) for r in results) == 1
    else:
        assert len(results) == 1
        assert len(errors) == 49 and all(isinstance(e, Conflict) for e in errors)


def test_parallel_changes_never_exceed_the_budget_or_k(make_round_page, make_proposal, resident):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.KNAPSACK, total_budget=100, max_selections=2
    )
    projects = [make_proposal(round_page, title=f"P{i}", cost=50).pk for i in range(4)]
    selections = [[(projects[i % 4], None), (projects[(i + 1) % 4], None)] for i in range(20)]
    results, errors = run_together(
        [caster(round_page.pk, resident.pk, selection) for selection in selections]
    )
    assert errors == [] and len(results) == 20
    (ballot,) = Ballot.objects.filter(round=round_page)
    assert len(ballot.choices) <= 2
    assert sum(50 for _c in ballot.choices) <= 100
    assert [(c, None) for c in ballot.choices] in selections


def test_a_voting_code_used_twice_at_once_works_once(make_round_page, make_proposal):
    round_page = make_round_page("vote", verification="code")
    project = make_proposal(round_page)
    (code,) = services.voting_codes_generate(round=round_page, count=1, by=None)
    people = [UserFactory(), UserFactory()]
    results, errors = run_together(
        [caster(round_page.pk, p.pk, [(project.pk, None)], credential=code) for p in people]
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Ballot.objects.filter(round=round_page).count() == 1
    assert VotingCode.objects.get().used_at is not None


@pytest.mark.parametrize("changeable", [True, False])
def test_a_code_used_twice_at_once_without_an_account_works_once(
    make_round_page, make_proposal, changeable
):
    round_page = make_round_page("vote", verification="code", ballots_changeable=changeable)
    project = make_proposal(round_page)
    (code,) = services.voting_codes_generate(round=round_page, count=1, by=None)
    results, errors = run_together(
        [caster(round_page.pk, None, [(project.pk, None)], credential=code) for _i in range(8)]
    )
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, Conflict) for e in errors)
    assert Ballot.objects.filter(round=round_page).count() == 1
    assert VoterRecord.objects.filter(round=round_page).count() == 1
    assert services.receipt_counted(round=round_page, receipt=results[0])


@pytest.mark.parametrize("changeable", [True, False])
def test_posts_of_one_voter_at_once_to_the_ballot_url_leave_one_ballot(
    make_round_page, make_proposal, resident, changeable
):
    """The whole request, as a double click or a retry sends it: the cached round changes
    nothing of what the database settles."""
    round_page = make_round_page("vote", ballots_changeable=changeable)
    project = make_proposal(round_page)
    url = f"/budgeting/{round_page.pk}/vote/"

    def poster():
        client = Client()
        client.force_login(resident)
        return lambda: client.post(url, {"action": "confirm", "project": [project.pk]}).status_code

    statuses, errors = run_together([poster for _i in range(12)])
    assert errors == []
    assert sorted(statuses) == ([302] * 12 if changeable else [302] + [409] * 11)
    assert Ballot.objects.filter(round=round_page).count() == 1
    assert VoterRecord.objects.filter(round=round_page).count() == 1
