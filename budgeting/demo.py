"""Demo data of participatory budgeting: a round in its voting phase with districts and about
40 proposals, voting codes for the demo resident, and a past round with results, explanations
and projects under implementation."""

import datetime as dt
import random

from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.participation.models import District, Phase

from . import services
from .models import (
    BudgetRoundPage,
    Category,
    DistrictBudget,
    ImplementationStatus,
    Proposal,
    ProposalStatus,
)
from .tasks import run_tally

DAY = dt.timedelta(days=1)
CATEGORIES = (
    ("Green spaces", "Parks department"),
    ("Streets and mobility", "Mobility department"),
    ("Culture and learning", "Culture department"),
    ("Sport and play", "Sports department"),
)
IDEAS = (
    ("Shade trees on Main Street", 0, 42_000),
    ("Protected bike lane to the station", 1, 95_000),
    ("Open-air library kiosk", 2, 18_000),
    ("Outdoor gym by the river", 3, 36_000),
    ("Wildflower meadow in the old quarry", 0, 12_000),
    ("Safe crossing at the school gate", 1, 28_000),
    ("Community music room", 2, 55_000),
    ("Skate park renovation", 3, 70_000),
    ("Rain gardens on Church Road", 0, 31_000),
    ("Benches along the promenade", 1, 9_000),
    ("Neighbourhood history trail", 2, 14_000),
    ("Basketball court lights", 3, 22_000),
    ("Drinking fountains in the parks", 0, 16_000),
    ("Bicycle repair stations", 1, 7_500),
    ("Summer cinema in the square", 2, 11_000),
    ("Climbing wall for teenagers", 3, 48_000),
    ("Community orchard", 0, 19_000),
    ("Wider pavements on Mill Lane", 1, 64_000),
    ("Language café at the library", 2, 6_000),
    ("Table-tennis tables in the park", 3, 5_500),
)


def _phases(page, phases):
    now = timezone.now()
    for order, (phase_type, start, end) in enumerate(phases):
        Phase.objects.create(
            page=page,
            phase_type=phase_type,
            starts_at=now + start * DAY,
            ends_at=now + end * DAY,
            sort_order=order,
        )


def _round(home, slug, title, intro, phases, districts, **config):
    """(page, created): the round with its pots and categories, created once."""
    page = BudgetRoundPage.objects.filter(slug=slug).first()
    if page is not None:
        return page, False
    page = home.add_child(instance=BudgetRoundPage(title=title, slug=slug, intro=intro, **config))
    _phases(page, phases)
    for order, district in enumerate(districts):
        DistrictBudget.objects.create(
            page=page, district=district, budget=150_000, sort_order=order
        )
    for order, (name, department) in enumerate(CATEGORIES):
        Category.objects.create(page=page, name=name, department_name=department, sort_order=order)
    return page, True


def _proposals(page, districts, people, rng, count):
    categories = list(Category.objects.filter(page=page).order_by("sort_order"))
    proposals = []
    for number in range(count):
        title, category, cost = IDEAS[number % len(IDEAS)]
        district = None if number % 3 == 0 else districts[number % len(districts)]
        if number >= len(IDEAS):
            title = f"{title} ({district.name if district else 'city-wide'})"
        proposals.append(
            Proposal.objects.create(
                process=page,
                author=people[number % len(people)],
                title=title,
                description=(
                    "Proposed by residents at the spring workshops. The department checked "
                    "the site and the cost."
                ),
                estimated_cost=cost + rng.randint(0, 9) * 500,
                district=district,
                category=categories[category],
                department_name=CATEGORIES[category][1],
                status=ProposalStatus.NOT_FEASIBLE
                if number % 13 == 12
                else ProposalStatus.FEASIBLE,
                public_reason=(
                    "The site belongs to the regional rail company."
                    if number % 13 == 12
                    else "Feasible within one year."
                ),
                language="en",
            )
        )
    return proposals


def _shuffled(items, rng):
    """Items in a random order that favours some projects, so votes differ."""
    return sorted(items, key=lambda p: rng.random() * (1 + p.pk % 4))


def build_demo(*, stdout, home, users) -> None:
    """Build both demo rounds (idempotent) and print a voting code for the demo resident."""
    stdout.write("  budgeting: a round in voting, a past round with results and implementation")
    rng = random.Random(11)
    districts = list(District.objects.order_by("name")[:3])
    people = [u for u in users.values() if u is not None]
    staff = users.get("taskforce") or users.get("administrator")

    current, created = _round(
        home,
        "riverton-budget-2027",
        "Riverton participatory budget 2027",
        "<p>Residents decide how to spend 600,000 EUR: 150,000 city-wide and 150,000 in each "
        "district. Choose up to 5 projects in each budget.</p>",
        [
            ("budgeting.propose", -60, -40),
            ("budgeting.review", -40, -10),
            ("budgeting.vote", -10, 20),
            ("budgeting.results", 20, 40),
        ],
        districts,
        total_budget=150_000,
        max_selections=5,
        verification="code",
        counting_rule="mes-add1-greedy",
        tie_order="equalshares",
    )
    if created:
        _proposals(current, districts, people, rng, 40)
    for role in (Role.FACILITATOR, Role.DEPARTMENT_MEMBER):
        if users.get(role.value):
            role_assign(user=users[role.value], role=role, scope=current, by=staff)
    codes = services.voting_codes_generate(round=current, count=5, by=staff, batch="demo")
    stdout.write(f"    voting code for the demo resident: {codes[0]}")

    past, created = _round(
        home,
        "riverton-budget-2025",
        "Riverton participatory budget 2025",
        "<p>The 2025 round: the results, how they were reached, and how the funded projects "
        "are coming along.</p>",
        [("budgeting.vote", -400, -370), ("budgeting.implementation", -369, 300)],
        districts,
        total_budget=150_000,
        max_selections=5,
        counting_rule="mes-add1-greedy",
        tie_order="equalshares",
    )
    if not created:
        return
    proposals = _proposals(past, districts, people, rng, 24)
    feasible = [p for p in proposals if p.status == ProposalStatus.FEASIBLE]
    # Ballots as residents cast them: stored directly because the voting phase is over.
    from .models import Ballot

    ballots = []
    for number in range(600):
        district = districts[number % len(districts)]
        city = [p for p in feasible if p.district_id is None]
        local = [p for p in feasible if p.district_id == district.pk]
        choice = (
            _shuffled(city, rng)[: rng.randint(1, 4)] + _shuffled(local, rng)[: rng.randint(0, 3)]
        )
        ballots.append(
            Ballot(
                round=past,
                district=district,
                choices=[p.pk for p in choice],
                channel="paper" if number % 5 == 0 else "online",
            )
        )
    Ballot.objects.bulk_create(ballots)
    tally = services.tally_request(round=past, by=staff)
    run_tally.call(tally_id=tally.pk)
    tally.refresh_from_db()
    services.result_publish(tally=tally, by=staff)
    funded = list(Proposal.objects.filter(process=past, funded=True).order_by("pk"))
    for number, proposal in enumerate(funded):
        status = (
            ImplementationStatus.COMPLETED,
            ImplementationStatus.IN_PROGRESS,
            ImplementationStatus.PLANNED,
        )[number % 3]
        services.implementation_update(
            proposal=proposal,
            by=staff,
            status=status,
            progress={"completed": 100, "in_progress": 45, "planned": 5}[status],
            text="Works were ordered; the contractor starts after the school holidays."
            if status != "completed"
            else "Done and open to everyone. Thank you for voting!",
        )
    stdout.write(
        f"    past round counted: {len(funded)} funded projects, checksum {tally.checksum}"
    )
