"""The home page's "Projects funded by your votes" section."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgeting.models import ImplementationStatus, Proposal

pytestmark = pytest.mark.django_db


def home(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def fund(make_proposal, round_page, title, status, progress=0, **fields):
    return make_proposal(
        round_page,
        title=title,
        funded=True,
        implementation_status=status,
        progress=progress,
        **fields,
    )


def test_shows_funded_projects_under_way_first_with_counts(
    client, make_round_page, make_proposal, districts
):
    past = make_round_page("implementation", title="Budget 2025")
    fund(make_proposal, past, "Bike racks", ImplementationStatus.COMPLETED, 100)
    fund(
        make_proposal,
        past,
        "New <b>benches</b>",
        ImplementationStatus.IN_PROGRESS,
        40,
        district=districts[0],
    )
    fund(make_proposal, past, "Tree planting", ImplementationStatus.PLANNED)
    fund(make_proposal, past, "Stopped fountain", ImplementationStatus.CANCELLED)
    make_proposal(past, title="Lost skate park")
    body, _ = home(client)
    section = body.split("Projects funded by your votes")[1]
    assert "4 projects funded so far." in section
    assert "Completed: 1 · in progress: 1 · planned: 1." in section
    listed = ("New &lt;b&gt;benches&lt;/b&gt;", "Tree planting", "Bike racks")
    positions = [section.index(title) for title in listed]
    assert positions == sorted(positions)
    assert "<b>benches" not in section
    assert "Stopped fountain" not in section and "Lost skate park" not in section
    assert 'value="40"' in section and "North" in section
    benches = Proposal.objects.get(title="New <b>benches</b>")
    assert f'href="{past.url}proposals/{benches.pk}/"' in section


def test_draft_rounds_and_hidden_projects_stay_off(client, make_round_page, make_proposal):
    draft = make_round_page("implementation", title="Draft budget", live=False)
    fund(make_proposal, draft, "Secret plan", ImplementationStatus.IN_PROGRESS, 10)
    body, _ = home(client)
    assert "Secret plan" not in body
    assert "No project has been funded by a participatory budget yet." in body


def test_query_count_does_not_grow_with_projects(client, make_round_page, make_proposal):
    rounds = [make_round_page("implementation", title=f"Budget {y}") for y in (2024, 2025)]
    fund(make_proposal, rounds[0], "First", ImplementationStatus.IN_PROGRESS, 5)
    home(client)  # warm the site caches
    _, few = home(client)
    for i in range(8):
        fund(make_proposal, rounds[i % 2], f"Project {i}", ImplementationStatus.PLANNED)
    body, many = home(client)
    assert "9 projects funded so far." in body
    assert many == few
