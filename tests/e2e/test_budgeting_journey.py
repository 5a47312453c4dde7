"""A budgeting round in a real browser: a resident proposes, a department member marks it
feasible, the resident votes with the keyboard only and changes the ballot, a facilitator
enters a paper ballot, staff close voting, count and publish, and the results page explains
the outcome. Every page on the way passes axe-core's WCAG 2.2 AA rules."""

import datetime as dt

import pytest
from django.utils import timezone

from budgeting.models import Ballot, DistrictBudget, Proposal, ProposalStatus, VoterRecord
from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import Phase
from tests.budgeting.conftest import make_round
from tests.factories import DistrictFactory, UserFactory

from .helpers import assert_accessible, tab_to

# Without serialized_rollback: the home_page fixture rebuilds what the test needs, so the
# journey also runs after other transactional tests have flushed the database.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def sign_in(context, user):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("main input[name='login']", user.email)
    page.fill("main input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")
    return page


def submit_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def press(page, selector, key="Enter"):
    """Tab to a control and activate it with a key, waiting for the page it leads to."""
    tab_to(page, selector, limit=150)
    with page.expect_navigation():
        page.keyboard.press(key)


def tick(page, selector):
    """Tab to a checkbox and toggle it with the space bar."""
    tab_to(page, selector, limit=150)
    page.keyboard.press("Space")


def move_to_phase(round_page, phase_type):
    """Time passes: the round's only phase becomes `phase_type`, open now."""
    now = timezone.now()
    Phase.objects.filter(page=round_page).update(
        phase_type=phase_type,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=5),
    )


def test_propose_review_vote_change_paper_close_and_results(browser, live_server, home_page):
    north = DistrictFactory(name="North", slug="north")
    round_page = make_round(home_page, state="propose", total_budget=100_000, max_selections=2)
    DistrictBudget.objects.create(page=round_page, district=north, budget=40_000)
    resident = UserFactory(display_name="Ravi", district=north)
    neighbour = UserFactory(display_name="Nia", district=north)
    member = UserFactory(display_name="Dee")
    role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=round_page, by=None)
    facilitator = UserFactory(display_name="Fay")
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=round_page, by=None)
    staff = UserFactory(display_name="Tess")
    role_assign(user=staff, role=Role.TASKFORCE, by=None)
    other = Proposal.objects.create(
        process=round_page,
        author=neighbour,
        title="Library garden",
        estimated_cost=30_000,
        status=ProposalStatus.FEASIBLE,
    )

    def new_context():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(15_000)
        return context

    # A resident proposes a project.
    residents = new_context()
    page = sign_in(residents, resident)
    page.goto(round_page.url)
    assert_accessible(page, "round page")
    page.goto(f"{round_page.url}propose/")
    assert_accessible(page, "proposal form")
    page.fill("main input[name='title']", "Shade trees on Main Street")
    page.fill("main textarea[name='description']", "Trees for the bus stops.")
    page.fill("main input[name='estimated_cost']", "45000")
    submit_and_wait(page, "main form button[type='submit']")
    proposal = Proposal.objects.get(title="Shade trees on Main Street")
    assert proposal.status == ProposalStatus.SUBMITTED
    assert_accessible(page, "proposal page")

    # A department member marks it feasible with a revised cost.
    move_to_phase(round_page, "budgeting.review")
    members = new_context()
    page = sign_in(members, member)
    page.goto(f"{round_page.url}proposals/{proposal.pk}/review/")
    assert_accessible(page, "review form")
    page.check("main input[name='decision'][value='feasible']")
    page.fill("main input[name='revised_cost']", "50000")
    submit_and_wait(page, "main form button[type='submit']")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FEASIBLE and proposal.cost == 50_000
    members.close()

    # The resident votes with the keyboard only.
    move_to_phase(round_page, "budgeting.vote")
    page = residents.pages[0]
    page.goto(f"{round_page.url}vote/")
    assert_accessible(page, "ballot")
    tick(page, f"main input[name='project'][value='{proposal.pk}']")
    assert page.locator("[data-total]").first.inner_text().startswith("Chosen: 1")
    press(page, "main button[value='review']")
    assert_accessible(page, "ballot review")
    press(page, "main button[value='confirm']")
    assert page.url.endswith("/vote/done/")
    assert_accessible(page, "ballot receipt")
    first_receipt = page.locator("[data-receipt]").inner_text()
    assert Ballot.objects.get().choices == [proposal.pk]

    # ... and changes the ballot.
    page.goto(f"{round_page.url}vote/")
    tick(page, f"main input[name='project'][value='{proposal.pk}']")
    tick(page, f"main input[name='project'][value='{other.pk}']")
    press(page, "main button[value='review']")
    press(page, "main button[value='confirm']")
    assert "changed" in page.locator("main h1").inner_text()
    assert Ballot.objects.get().choices == [other.pk]
    page.goto(f"{round_page.url}receipts/?receipt={first_receipt}")
    assert_accessible(page, "receipt check")
    assert "No ballot with this receipt" in page.content()
    residents.close()

    # A facilitator enters a paper ballot and marks the roll.
    facilitators = new_context()
    page = sign_in(facilitators, facilitator)
    page.goto(f"{round_page.url}paper/")
    assert_accessible(page, "paper entry")
    page.fill("main input[name='voter_identifier']", neighbour.email)
    submit_and_wait(page, "main form:has(input[value='roll']) button[type='submit']")
    assert "Marked on the voter roll" in page.content()
    assert_accessible(page, "paper entry after marking the roll")
    page.fill("main input[name='sheet']", "P-001")
    page.check(f"main input[name='project'][value='{proposal.pk}']")
    submit_and_wait(page, "main form:has(input[name='sheet']) button[type='submit']")
    assert "was counted" in page.content()
    assert Ballot.objects.count() == 2 and VoterRecord.objects.count() == 2
    facilitators.close()

    # Staff close voting, count and publish.
    staffs = new_context()
    page = sign_in(staffs, staff)
    page.goto(f"{round_page.url}manage/")
    assert_accessible(page, "manage round")
    submit_and_wait(page, "main form:has(input[value='close']) button")
    submit_and_wait(page, "main form:has(input[value='count']) button")
    page.goto(f"{round_page.url}manage/")
    submit_and_wait(page, "main form:has(input[value='publish']) button")
    page.goto(f"{round_page.url}results/")
    assert_accessible(page, "results")
    text = page.locator("main").inner_text()
    assert "was funded" in text
    assert "Shade trees on Main Street" in text and "Library garden" in text
    staffs.close()
