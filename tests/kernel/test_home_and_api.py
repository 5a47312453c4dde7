import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db


def home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def make_processes(home_page, count, start=0):
    for i in range(start, start + count):
        make_dummy_process(
            home_page,
            title=f"Process {i}",
            phases=[("collect", -1, 2), ("review", 2, 4)] if i % 3 else [("collect", 3, 5)],
        )


@pytest.mark.parametrize("signed_in", [False, True])
def test_home_page_query_count_does_not_grow_with_processes(client, home_page, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    make_processes(home_page, 2)
    home_queries(client)  # warm caches (site root, settings)
    few, _ = home_queries(client)
    make_processes(home_page, 12, start=2)
    many, body = home_queries(client)
    assert "Process 13" in body
    assert many == few, f"{few} queries with 2 processes, {many} with 14"
    # Site, root page, restrictions (2), settings, processes (3), phases, upcoming events (the
    # events app's section), funded projects (budgeting's: counts and list) and recent answers
    # (the feedback loop's, which reads the view restrictions again to leave out answers of
    # processes the public may not see); signed in adds session, user, terms consent, unread
    # count and the admin user bar's permission lookups.
    assert many <= (20 if signed_in else 15)


def test_home_groups_processes_by_phase(client, home_page):
    make_dummy_process(home_page, title="Open one", phases=[("collect", -1, 1)])
    make_dummy_process(home_page, title="Soon one", phases=[("collect", 2, 3)])
    make_dummy_process(home_page, title="Old one", phases=[("collect", -5, -2)])
    make_dummy_process(home_page, title="Draft one", phases=[("collect", -1, 1)], live=False)
    _, body = home_queries(client)
    assert body.index("Open now") < body.index("Open one")
    assert body.index("Coming soon") < body.index("Soon one")
    assert "Old one" in body.split("finished process")[1]
    assert "Draft one" not in body


def test_api_lists_public_processes_with_status_and_phases(client, home_page):
    make_dummy_process(home_page, title="Open one", phases=[("collect", -1, 1), ("review", 1, 3)])
    make_dummy_process(home_page, title="Draft", phases=[("collect", -1, 1)], live=False)
    data = client.get("/api/v1/processes").json()
    assert [p["title"] for p in data] == ["Open one"]
    assert data[0]["status"] == "active"
    assert data[0]["active_phase"]["phase_type"] == "dummy_process.collect"
    assert len(data[0]["phases"]) == 2
    assert client.get("/api/v1/processes?status=upcoming").json() == []
    assert client.get("/api/v1/processes?status=whatever").status_code == 400
    detail = client.get(f"/api/v1/processes/{data[0]['id']}")
    assert detail.json()["title"] == "Open one"
    assert client.get("/api/v1/processes/999999").status_code == 404
    assert client.get(f"/api/v1/processes/{home_page.pk}").status_code == 404


def test_api_query_count_does_not_grow(client, home_page, django_assert_max_num_queries):
    make_processes(home_page, 3)
    client.get("/api/v1/processes")  # warm the site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/processes")
    make_processes(home_page, 10, start=3)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/processes").json()) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_api_root_schema_and_docs(client):
    root = client.get("/api/v1/").json()
    assert root["schema"].endswith("/api/v1/openapi.json")
    assert set(root["resources"]) >= {"processes", "topics", "districts"}
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/processes" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
