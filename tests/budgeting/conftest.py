"""Fixtures for budgeting: rounds in any phase, districts with budgets, proposals, people."""

import pytest
from django.core.cache import cache

from budgeting.models import BudgetRoundPage, DistrictBudget, Proposal, ProposalStatus
from civitas.accounts.services import role_assign
from tests.factories import DistrictFactory, UserFactory, add_process

PHASES = {
    "propose": [("propose", -1, 5)],
    "review": [("propose", -5, -1), ("review", -1, 5)],
    "vote": [("review", -5, -1), ("vote", -1, 5)],
    "results": [("vote", -5, -1), ("results", -1, 5)],
    "implementation": [("results", -5, -1), ("implementation", -1, 5)],
    "closed": [("vote", -10, -5)],
}


def make_round(parent, *, state="vote", title="Riverton budget 2026", live=True, **config):
    """A BudgetRoundPage under `parent` in the given phase state."""
    config.setdefault("total_budget", 100_000)
    return add_process(
        parent,
        BudgetRoundPage(title=title, live=live, **config),
        [(f"budgeting.{name}", start, end) for name, start, end in PHASES[state]],
    )


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def districts(db):
    return DistrictFactory(name="North", slug="north"), DistrictFactory(name="South", slug="south")


@pytest.fixture
def make_round_page(home_page, districts):
    """make(state="vote", district_budgets=True, **config): a round with North/South pots."""

    def make(state="vote", district_budgets=True, **config):
        page = make_round(home_page, state=state, **config)
        if district_budgets:
            for order, district in enumerate(districts):
                DistrictBudget.objects.create(
                    page=page, district=district, budget=50_000, sort_order=order
                )
        return page

    return make


@pytest.fixture
def round_page(make_round_page):
    return make_round_page("vote")


@pytest.fixture
def author(db):
    return UserFactory(display_name="Noor")


@pytest.fixture
def make_proposal(author):
    def make(
        round_page,
        *,
        title="Trees on Main Street",
        cost=10_000,
        district=None,
        status=ProposalStatus.FEASIBLE,
        **fields,
    ):
        return Proposal.objects.create(
            process=round_page,
            author=author,
            title=title,
            description="Shade for the bus stops.",
            estimated_cost=cost,
            district=district,
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def ballot_projects(round_page, make_proposal, districts):
    """Three city-wide projects (40k, 30k, 50k) and one per district (20k each)."""
    north, south = districts
    return {
        "a": make_proposal(round_page, title="Benches", cost=40_000),
        "b": make_proposal(round_page, title="Bike lane", cost=30_000),
        "c": make_proposal(round_page, title="Playground", cost=50_000),
        "north": make_proposal(round_page, title="North park", cost=20_000, district=north),
        "south": make_proposal(round_page, title="South library", cost=20_000, district=south),
    }


@pytest.fixture
def resident(db, districts):
    return UserFactory(display_name="Ravi", district=districts[0])


@pytest.fixture
def role_user(db):
    def make(role, scope=None, name="Staff"):
        user = UserFactory(display_name=name)
        role_assign(user=user, role=role, scope=scope, by=None)
        return user

    return make
