"""Services: proposals from any channel, review, ballots under every ballot type, paper entry."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgeting import secrecy, services, signals
from budgeting.models import (
    Ballot,
    BallotType,
    PaperEntry,
    PaperEntryStatus,
    Proposal,
    ProposalStatus,
    VoterRecord,
    VotingCode,
)
from budgeting.tasks import run_tally
from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    """heard(event) -> (list, context): inside the context on-commit events are delivered, and
    the arguments each was sent with are collected in the list."""
    import contextlib

    def listen(event):
        collected = []

        def receiver(sender, **kwargs):
            collected.append(kwargs)

        @contextlib.contextmanager
        def context():
            event.connect(receiver, weak=False)
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    yield
            finally:
                event.disconnect(receiver)

        return collected, context()

    return listen


# --- proposals --------------------------------------------------------------------------------


def test_online_proposal_needs_the_propose_phase(make_round_page, author, districts):
    round_page = make_round_page("propose")
    proposal, created = services.proposal_submit(
        round=round_page,
        author=author,
        data={
            "title": "Trees",
            "description": "Shade",
            "estimated_cost": "12000",
            "district": districts[0].pk,
        },
    )
    assert created and proposal.estimated_cost == 12_000 and proposal.district == districts[0]
    voting = make_round_page("vote")
    with pytest.raises(NotAllowed):
        services.proposal_submit(
            round=voting, author=author, data={"title": "T", "estimated_cost": 5}
        )


@pytest.mark.parametrize("cost", ["-5", "12.5", "0", "abc", "", "1e3", str(10**13)])
def test_bad_costs_are_refused(make_round_page, author, cost):
    round_page = make_round_page("propose")
    with pytest.raises(DomainError) as exc:
        services.proposal_submit(
            round=round_page, author=author, data={"title": "Trees", "estimated_cost": cost}
        )
    assert exc.value.code == "estimated_cost"
    assert not Proposal.objects.exists()


def test_district_must_have_a_pot_in_this_round(make_round_page, author):
    from tests.factories import DistrictFactory

    elsewhere = DistrictFactory(name="Harbour", slug="harbour")
    round_page = make_round_page("propose")
    with pytest.raises(DomainError) as exc:
        services.proposal_submit(
            round=round_page,
            author=author,
            data={"title": "T", "estimated_cost": 5, "district": elsewhere.pk},
        )
    assert exc.value.code == "district"


def test_workshop_proposal_typed_by_a_facilitator_is_idempotent(make_round_page, heard):
    round_page = make_round_page("review")  # any phase for offline channels
    facilitator = UserFactory()
    key = uuid.uuid4()
    submitted, listening = heard(signals.proposal_submitted)
    with listening:
        for _ in range(2):
            proposal, _created = services.proposal_submit(
                round=round_page,
                author=None,
                data={"title": "Ramp", "estimated_cost": 900},
                channel="offline_event",
                entered_by=facilitator,
                submission_key=key,
                people_count=12,
                source_detail="Table 3",
            )
    assert Proposal.objects.count() == 1
    assert proposal.entered_by == facilitator and proposal.people_count == 12
    assert [e["proposal"] for e in submitted] == [proposal]
    with pytest.raises(DomainError):
        services.proposal_submit(
            round=round_page,
            author=None,
            data={"title": "Ramp", "estimated_cost": 900},
            channel="offline_event",
        )


def test_review_feasible_revised_cost_and_author_told(round_page, make_proposal, author, heard):
    proposal = make_proposal(round_page, status=ProposalStatus.SUBMITTED)
    reviewer = UserFactory()
    reviewed, listening = heard(signals.proposal_reviewed)
    with listening:
        services.proposal_review(
            proposal=proposal,
            by=reviewer,
            feasible=True,
            revised_cost="15000",
            department_name="Parks",
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FEASIBLE and proposal.cost == 15_000
    assert proposal.department_name == "Parks"
    assert [(e["proposal"], e["old_status"], e["by"]) for e in reviewed] == [
        (proposal, "submitted", reviewer)
    ]
    assert Notification.objects.filter(
        recipient=author, kind="budgeting.proposal_reviewed"
    ).exists()


def test_not_feasible_needs_a_reason(round_page, make_proposal):
    proposal = make_proposal(round_page, status=ProposalStatus.SUBMITTED)
    with pytest.raises(DomainError):
        services.proposal_review(proposal=proposal, by=None, feasible=False, reason="")
    services.proposal_review(proposal=proposal, by=None, feasible=False, reason="Not city land")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NOT_FEASIBLE
    assert proposal.public_reason == "Not city land"


def test_merge_keeps_to_one_round(round_page, make_round_page, make_proposal):
    a = make_proposal(round_page, title="A")
    b = make_proposal(round_page, title="B")
    other = make_proposal(make_round_page("vote"), title="C")
    with pytest.raises(DomainError):
        services.proposal_merge(proposal=a, into=other, by=None)
    with pytest.raises(DomainError):
        services.proposal_merge(proposal=a, into=a, by=None)
    services.proposal_merge(proposal=a, into=b, by=None, reason="Same place")
    a.refresh_from_db()
    assert a.status == ProposalStatus.MERGED and a.merged_into == b
    assert a.pk not in services.ballot_options(round_page)


# --- ballots ----------------------------------------------------------------------------------


def voter_of(round_page, user):
    return services.voter_for(round=round_page, user=user)


def test_approval_ballot_is_stored_apart_from_the_roll(
    round_page, ballot_projects, resident, heard
):
    voter = voter_of(round_page, resident)
    cast, listening = heard(signals.ballots_cast)
    with listening:
        receipt = services.ballot_cast(
            round=round_page,
            voter=voter,
            district_id=resident.district_id,
            selection=[(ballot_projects["a"].pk, None), (ballot_projects["north"].pk, None)],
        )
    ballot = Ballot.objects.get()
    assert ballot.choices == [ballot_projects["a"].pk, ballot_projects["north"].pk]
    assert ballot.receipt_hash == secrecy.receipt_hash(receipt)
    record = VoterRecord.objects.get()
    # Keyed hashes: the roll and the ballot carry different values for the same voter.
    assert record.voter_key == secrecy.voter_key(round_page.pk, f"user:{resident.pk}")
    assert ballot.voter_tag == secrecy.voter_tag(round_page.pk, f"user:{resident.pk}")
    assert record.voter_key != ballot.voter_tag
    assert services.receipt_counted(round=round_page, receipt=receipt)
    assert [(e["count"], e["channel"]) for e in cast] == [(1, "online")]
    assert set(cast[0]) == {"round", "count", "channel", "signal"}


def test_ballot_and_voter_roll_share_no_link():
    """No foreign key, no timestamp and no sequential key that could join the two."""
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not any("time" in name or name.endswith("_at") for name in ballot_fields)
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert PaperEntry._meta.pk.get_internal_type() == "UUIDField"
    assert not any(
        getattr(f, "related_model", None) in (VoterRecord,) for f in Ballot._meta.get_fields()
    )
    assert not any(
        getattr(f, "related_model", None) in (Ballot, PaperEntry)
        for f in VoterRecord._meta.get_fields()
    )


def test_changing_a_ballot_replaces_it(round_page, ballot_projects, resident):
    voter = voter_of(round_page, resident)
    first = services.ballot_cast(
        round=round_page,
        voter=voter,
        district_id=None,
        selection=[(ballot_projects["a"].pk, None)],
    )
    second = services.ballot_cast(
        round=round_page,
        voter=voter,
        district_id=None,
        selection=[(ballot_projects["b"].pk, None)],
    )
    assert Ballot.objects.count() == 1 and VoterRecord.objects.count() == 1
    assert Ballot.objects.get().choices == [ballot_projects["b"].pk]
    assert not services.receipt_counted(round=round_page, receipt=first)
    assert services.receipt_counted(round=round_page, receipt=second)


def test_unchangeable_ballots_refuse_a_second_vote(make_round_page, make_proposal, resident):
    round_page = make_round_page("vote", ballots_changeable=False)
    project = make_proposal(round_page)
    voter = voter_of(round_page, resident)
    services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=[(project.pk, None)]
    )
    with pytest.raises(Conflict):
        services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=[(project.pk, None)]
        )
    assert Ballot.objects.count() == 1


def tampered(round_page, make_round_page, make_proposal, ballot_projects):
    other_round = make_round_page("vote")
    return {
        "other district": [(ballot_projects["south"].pk, None)],
        "other round": [(make_proposal(other_round).pk, None)],
        "not feasible": [(make_proposal(round_page, status=ProposalStatus.NOT_FEASIBLE).pk, None)],
        "unknown": [(10**9, None)],
        "twice": [(ballot_projects["a"].pk, None), (ballot_projects["a"].pk, None)],
        "string id": [("1", None)],
        "points on approval": [(ballot_projects["a"].pk, 3)],
        "empty": [],
    }


@pytest.mark.parametrize(
    "case",
    [
        "other district",
        "other round",
        "not feasible",
        "unknown",
        "twice",
        "string id",
        "points on approval",
        "empty",
    ],
)
def test_tampered_selections_store_nothing(
    round_page, make_round_page, make_proposal, ballot_projects, resident, case
):
    selection = tampered(round_page, make_round_page, make_proposal, ballot_projects)[case]
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, resident),
            district_id=resident.district_id,
            selection=selection,
        )
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_district_of_residence_is_enforced(round_page, ballot_projects, resident, districts):
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, resident),
            district_id=districts[1].pk,
            selection=[(ballot_projects["south"].pk, None)],
        )
    assert not Ballot.objects.exists()


def test_closed_phase_refuses(make_round_page, make_proposal, resident):
    round_page = make_round_page("results")
    project = make_proposal(round_page)
    with pytest.raises(NotAllowed):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, resident),
            district_id=None,
            selection=[(project.pk, None)],
        )
    assert not VoterRecord.objects.exists()


def test_approval_k_limit_per_pot(make_round_page, make_proposal, resident):
    round_page = make_round_page("vote", max_selections=2)
    ids = [make_proposal(round_page, title=f"P{i}", cost=10).pk for i in range(3)]
    voter = voter_of(round_page, resident)
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=[(pk, None) for pk in ids]
        )
    services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=[(pk, None) for pk in ids[:2]]
    )


def test_knapsack_budget_per_pot(make_round_page, make_proposal, resident):
    round_page = make_round_page("vote", ballot_type=BallotType.KNAPSACK, total_budget=100)
    big = make_proposal(round_page, title="Big", cost=70)
    small = make_proposal(round_page, title="Small", cost=40)
    voter = voter_of(round_page, resident)
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page,
            voter=voter,
            district_id=None,
            selection=[(big.pk, None), (small.pk, None)],
        )
    services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=[(big.pk, None)]
    )


@pytest.mark.parametrize("points", [-1, "2.5", "x", 0, 11, True])
def test_cumulative_points_must_be_whole_and_within_n(
    make_round_page, make_proposal, resident, points
):
    round_page = make_round_page("vote", ballot_type=BallotType.CUMULATIVE, points=10)
    a = make_proposal(round_page, title="A")
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, resident),
            district_id=None,
            selection=[(a.pk, points)],
        )
    assert not Ballot.objects.exists()


def test_cumulative_total_points(make_round_page, make_proposal, resident):
    round_page = make_round_page("vote", ballot_type=BallotType.CUMULATIVE, points=10)
    a, b = make_proposal(round_page, title="A"), make_proposal(round_page, title="B")
    voter = voter_of(round_page, resident)
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=[(a.pk, 6), (b.pk, 5)]
        )
    services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=[(a.pk, 6), (b.pk, "4")]
    )
    assert Ballot.objects.get().points == [6, 4]


def test_cumulative_rounds_are_decided_by_points_not_by_supporters(
    make_round_page, make_proposal, districts
):
    round_page = make_round_page(
        "vote", ballot_type=BallotType.CUMULATIVE, points=10, total_budget=60_000
    )
    many_points = make_proposal(round_page, title="Many points", cost=50_000)
    many_people = make_proposal(round_page, title="Many people", cost=50_000)
    voters = [UserFactory(district=districts[0]) for _ in range(3)]
    ballots = [[(many_points.pk, 10)], [(many_people.pk, 1)], [(many_people.pk, 1)]]
    for user, selection in zip(voters, ballots, strict=True):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, user),
            district_id=None,
            selection=selection,
        )
    services.voting_close(round=round_page, by=None)
    tally = services.tally_request(round=round_page, by=None, rule="greedy")
    run_tally.call(tally_id=tally.pk)
    tally.refresh_from_db()
    (city_pot,) = [pot for pot in tally.pots if pot["district"] is None]
    assert city_pot["winners"] == [many_points.pk]


# --- verification ------------------------------------------------------------------------------


def test_voting_codes_are_single_use_and_stored_hashed(make_round_page, make_proposal):
    round_page = make_round_page("vote", verification="code")
    project = make_proposal(round_page)
    codes = services.voting_codes_generate(round=round_page, count=3, by=None)
    assert len(set(codes)) == 3
    stored = set(VotingCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(codes)
    first, second = UserFactory(), UserFactory()
    voter = services.voter_for(round=round_page, user=first, credential=codes[0].lower())
    services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=[(project.pk, None)]
    )
    # The same person may come back to change; someone else may not use the code.
    again = services.voter_for(round=round_page, user=first, credential=codes[0])
    services.ballot_cast(
        round=round_page, voter=again, district_id=None, selection=[(project.pk, None)]
    )
    with pytest.raises(Conflict):
        services.voter_for(round=round_page, user=second, credential=codes[0])
    with pytest.raises(DomainError):
        services.voter_for(round=round_page, user=second, credential="NOPE-NOPE")
    assert Ballot.objects.count() == 1


def test_resident_list_eligibility_age_and_district(make_round_page, make_proposal, districts):
    import datetime as dt

    round_page = make_round_page("vote", verification="list", min_age=16)
    north_project = make_proposal(round_page, district=districts[0])
    services.residents_upload(
        round=round_page,
        by=None,
        rows=[
            ("AB-123", districts[0].pk, dt.date(2000, 1, 1)),
            ("KID-1", districts[0].pk, dt.date.today().replace(year=dt.date.today().year - 10)),
        ],
    )
    person = UserFactory()
    with pytest.raises(NotAllowed):
        services.voter_for(round=round_page, user=person, credential="ZZ-999")
    voter = services.voter_for(round=round_page, user=person, credential="ab 123")
    assert voter.district_id == districts[0].pk
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page,
            voter=voter,
            district_id=districts[1].pk,
            selection=[(north_project.pk, None)],
        )
    services.ballot_cast(
        round=round_page,
        voter=voter,
        district_id=districts[0].pk,
        selection=[(north_project.pk, None)],
    )
    child = services.voter_for(round=round_page, user=UserFactory(), credential="KID-1")
    with pytest.raises(NotAllowed):
        services.ballot_cast(
            round=round_page,
            voter=child,
            district_id=districts[0].pk,
            selection=[(north_project.pk, None)],
        )


def test_email_round_with_minimum_age_needs_the_declaration(
    make_round_page, make_proposal, resident
):
    round_page = make_round_page("vote", min_age=16)
    project = make_proposal(round_page)
    voter = voter_of(round_page, resident)
    with pytest.raises(DomainError):
        services.ballot_cast(
            round=round_page, voter=voter, district_id=None, selection=[(project.pk, None)]
        )
    services.ballot_cast(
        round=round_page,
        voter=voter,
        district_id=None,
        selection=[(project.pk, None)],
        age_confirmed=True,
    )


def test_in_person_rounds_need_a_facilitator_check(make_round_page, resident):
    round_page = make_round_page("vote", verification="in_person")
    with pytest.raises(NotAllowed):
        voter_of(round_page, resident)
    services.in_person_check(round=round_page, user=resident, by=None)
    assert voter_of(round_page, resident).identity == f"user:{resident.pk}"


# --- paper ------------------------------------------------------------------------------------


def vote_on_paper(round_page, person, sheet, project):
    """The two separate steps at a polling station: mark the roll, later type the sheet."""
    facilitator = UserFactory()
    services.paper_roll_mark(round=round_page, by=facilitator, voter_identifier=person.email)
    services.paper_ballot_enter(
        round=round_page,
        by=facilitator,
        sheet=sheet,
        district_id=None,
        selection=[(project.pk, None)],
    )


def test_paper_ballot_marks_the_roll_and_blocks_online(round_page, ballot_projects, resident):
    vote_on_paper(round_page, resident, "17", ballot_projects["a"])
    assert Ballot.objects.get().channel == "paper"
    with pytest.raises(Conflict):
        services.ballot_cast(
            round=round_page,
            voter=voter_of(round_page, resident),
            district_id=None,
            selection=[(ballot_projects["b"].pk, None)],
        )
    assert Ballot.objects.count() == 1


def test_online_voter_cannot_also_vote_on_paper(round_page, ballot_projects, resident):
    services.ballot_cast(
        round=round_page,
        voter=voter_of(round_page, resident),
        district_id=None,
        selection=[(ballot_projects["a"].pk, None)],
    )
    with pytest.raises(Conflict):
        services.paper_roll_mark(
            round=round_page, by=UserFactory(), voter_identifier=resident.email.upper()
        )
    assert Ballot.objects.count() == 1 and VoterRecord.objects.count() == 1


def test_the_roll_mark_and_the_sheet_share_no_record_or_log(round_page, ballot_projects, resident):
    """Marking the roll and typing the sheet are separate steps: no row or audit entry names
    both the person and the sheet or its choices."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    vote_on_paper(round_page, resident, "S-9", ballot_projects["c"])
    (record,) = VoterRecord.objects.filter(round=round_page)
    assert record.channel == "paper" and resident.email not in record.voter_key
    (entry,) = PaperEntry.objects.all()
    entry_fields = {f.name for f in PaperEntry._meta.get_fields()}
    assert not entry_fields & {"voter", "voter_key", "voter_tag", "created_at", "record"}
    (ballot,) = Ballot.objects.filter(channel="paper")
    assert ballot.voter_tag is None and ballot.receipt_hash is None
    logs = list(PageLogEntry.objects.filter(page=round_page)) + list(ModelLogEntry.objects.all())
    marks = [e for e in logs if e.action == "budgeting.paper.roll_marked"]
    typed = [e for e in logs if e.action == "budgeting.paper.entered"]
    assert len(marks) == len(typed) == 1
    for log_entry in marks + typed:
        text = str(log_entry.data) + log_entry.label
        assert "S-9" not in text and resident.email not in text
        assert str(ballot_projects["c"].pk) not in str(log_entry.data)


def test_paper_roll_needs_an_identifier_and_an_open_phase(make_round_page, round_page):
    with pytest.raises(DomainError):
        services.paper_roll_mark(round=round_page, by=UserFactory(), voter_identifier="  ")
    closed = make_round_page("closed", district_budgets=False, title="Closed round")
    with pytest.raises(NotAllowed):
        services.paper_roll_mark(round=closed, by=UserFactory(), voter_identifier="a@b.org")
    assert not VoterRecord.objects.exists()


def test_double_entry_counts_when_two_entries_agree(make_round_page, make_proposal):
    round_page = make_round_page("vote", paper_double_entry=True)
    a, b = make_proposal(round_page, title="A"), make_proposal(round_page, title="B")
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    entry = services.paper_ballot_enter(
        round=round_page, by=first, sheet="1", district_id=None, selection=[(a.pk, None)]
    )
    assert entry.status == PaperEntryStatus.PENDING and not Ballot.objects.exists()
    with pytest.raises(Conflict):
        services.paper_ballot_enter(
            round=round_page, by=first, sheet="1", district_id=None, selection=[(a.pk, None)]
        )
    entry = services.paper_ballot_enter(
        round=round_page, by=second, sheet="1", district_id=None, selection=[(a.pk, None)]
    )
    assert entry.status == PaperEntryStatus.CONFIRMED and Ballot.objects.count() == 1
    # A mismatch flags both entries and counts nothing until staff settle it.
    services.paper_ballot_enter(
        round=round_page, by=first, sheet="2", district_id=None, selection=[(a.pk, None)]
    )
    entry = services.paper_ballot_enter(
        round=round_page, by=second, sheet="2", district_id=None, selection=[(b.pk, None)]
    )
    assert entry.status == PaperEntryStatus.MISMATCH
    assert PaperEntry.objects.filter(sheet="2", status="mismatch").count() == 2
    assert Ballot.objects.count() == 1
    with pytest.raises(Conflict):
        services.paper_ballot_enter(
            round=round_page, by=third, sheet="2", district_id=None, selection=[(b.pk, None)]
        )
    services.paper_mismatch_resolve(
        round=round_page, by=third, sheet="2", district_id=None, selection=[(b.pk, None)]
    )
    assert Ballot.objects.count() == 2


def test_ballot_cast_query_count(round_page, ballot_projects, resident):
    voter = voter_of(round_page, resident)
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(
            round=round_page,
            voter=voter,
            district_id=resident.district_id,
            selection=[(ballot_projects["a"].pk, None)],
        )
    assert len(queries) <= 14


def test_round_without_city_pot_needs_a_district(home_page, author):
    round_page = make_round(home_page, state="propose", total_budget=0)
    with pytest.raises(DomainError):
        services.proposal_submit(
            round=round_page, author=author, data={"title": "T", "estimated_cost": 3}
        )


def test_the_receipt_says_whether_it_replaced_a_ballot(round_page, ballot_projects, resident):
    voter = voter_of(round_page, resident)
    selection = [(ballot_projects["a"].pk, None)]
    first = services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=selection
    )
    second = services.ballot_cast(
        round=round_page, voter=voter, district_id=None, selection=selection
    )
    assert (first.replaced, second.replaced) == (False, True)
