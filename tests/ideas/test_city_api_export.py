"""The city-wide list, the public API and the staff CSV export of ideas."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.core.exports import safe_cell
from civitas.interactions import services as interactions
from ideas import services
from tests.factories import DistrictFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

NASTY = '<script>alert("x")</script> & =HYPERLINK("http://evil")'


def titles(response):
    return [idea.title for idea in response.context["ideas"]]


class TestCityList:
    def test_lists_public_ideas_of_every_live_challenge(
        self, client, index_page, make_process, make_idea
    ):
        first, second = make_process("submit", "Streets"), make_process("support", "Parks")
        hidden = make_process("submit", "Draft")
        hidden.unpublish()
        make_idea(first, title="Bike lanes")
        make_idea(second, title="Fountains")
        make_idea(hidden, title="Unpublished")
        make_idea(first, title="Hidden", hidden_at=timezone.now())
        response = client.get(index_page.url)
        assert response.status_code == 200
        assert titles(response) == ["Fountains", "Bike lanes"]
        page = response.content.decode()
        assert f'href="{second.url}' in page and "Parks" in page

    def test_filters_by_challenge_topic_district_status_and_search(
        self, client, index_page, make_process, make_idea
    ):
        first, second = make_process("submit", "Streets"), make_process("support", "Parks")
        topic, district = TopicFactory(), DistrictFactory()
        make_idea(first, title="Bike lanes", topic=topic)
        make_idea(second, title="Fountains", district=district, status_id="accepted")
        make_idea(second, title="Trees")
        assert titles(client.get(index_page.url, {"challenge": first.pk})) == ["Bike lanes"]
        assert titles(client.get(index_page.url, {"topic": topic.pk})) == ["Bike lanes"]
        assert titles(client.get(index_page.url, {"district": district.pk})) == ["Fountains"]
        assert titles(client.get(index_page.url, {"status": "accepted"})) == ["Fountains"]
        assert titles(client.get(index_page.url, {"q": "trees"})) == ["Trees"]

    def test_sorts_including_a_stable_random_order(
        self, client, index_page, make_process, make_idea
    ):
        first, second = make_process("submit", "Streets"), make_process("support", "Parks")
        ideas = [make_idea(first if i % 2 else second, title=f"Idea {i}") for i in range(25)]
        interactions.support_add(target=ideas[3], user=UserFactory())
        assert titles(client.get(index_page.url, {"sort": "supported"}))[0] == "Idea 3"
        shuffled = titles(client.get(index_page.url, {"sort": "random"}))
        shuffled += titles(client.get(index_page.url, {"sort": "random", "page": 2}))
        assert sorted(shuffled) == sorted(idea.title for idea in ideas)
        assert titles(client.get(index_page.url, {"sort": "random"})) == shuffled[:20]

    @pytest.mark.parametrize(
        "query",
        [{"challenge": "999999"}, {"topic": "x"}, {"status": "nope"}, {"sort": "loudest"}],
    )
    def test_bad_filters_are_a_clear_400(self, client, index_page, query):
        response = client.get(index_page.url, query)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()

    def test_merged_ideas_are_not_listed(self, client, index_page, challenge, make_idea, role_user):
        kept, duplicate = make_idea(challenge, title="Kept"), make_idea(challenge, title="Dup")
        services.idea_merge(idea=duplicate, into=kept, by=role_user("moderator"))
        assert titles(client.get(index_page.url)) == ["Kept"]


class TestApi:
    def test_list_with_filters_and_pagination_and_no_personal_data(
        self, client, challenge, make_idea, author
    ):
        topic = TopicFactory()
        for i in range(3):
            make_idea(challenge, title=f"Idea {i}", topic=topic if i == 1 else None)
        make_idea(challenge, title="Hidden", hidden_at=timezone.now())
        response = client.get("/api/v1/ideas/", {"page_size": 2})
        assert response.status_code == 200
        data = response.json()
        assert (data["count"], data["pages"], len(data["results"])) == (3, 2, 2)
        assert [r["title"] for r in data["results"]] == ["Idea 2", "Idea 1"]
        item = data["results"][0]
        assert item["url"] == f"http://testserver{challenge.url}{item['id']}/"
        text = response.content.decode()
        assert author.email not in text and "author" not in text and "email" not in text
        filtered = client.get("/api/v1/ideas/", {"topic": topic.pk}).json()
        assert [r["title"] for r in filtered["results"]] == ["Idea 1"]
        assert client.get("/api/v1/ideas/", {"q": "Idea 0"}).json()["count"] == 1

    @pytest.mark.parametrize(
        "query",
        [
            {"status": "nope"},
            {"sort": "random"},
            {"page": "0"},
            {"page": "99"},
            {"page_size": "1000"},
            {"topic": "x"},
        ],
    )
    def test_bad_parameters_are_4xx(self, client, challenge, make_idea, query):
        make_idea(challenge)
        assert 400 <= client.get("/api/v1/ideas/", query).status_code < 500

    def test_detail_with_history_and_escaped_text(self, client, challenge, make_idea):
        idea = make_idea(challenge, title=NASTY)
        services.idea_status_set(idea=idea, status="accepted", answer="Yes", by=None)
        response = client.get(f"/api/v1/ideas/{idea.pk}")
        assert response.status_code == 200
        data = response.json()
        assert data["title"] == NASTY  # JSON carries the text; clients escape it
        assert response["Content-Type"].startswith("application/json")
        assert [h["kind"] for h in data["history"]] == ["status", "answer"]
        assert client.get("/api/v1/ideas/999999").status_code == 404

    def test_hidden_and_withdrawn_ideas_are_not_served(self, client, challenge, make_idea):
        hidden = make_idea(challenge, hidden_at=timezone.now())
        gone = make_idea(challenge, withdrawn_at=timezone.now())
        for idea in (hidden, gone):
            assert client.get(f"/api/v1/ideas/{idea.pk}").status_code == 404

    def test_in_the_openapi_schema(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/ideas/" in schema["paths"]
        assert "/api/v1/ideas/{idea_id}" in schema["paths"]


class TestExport:
    def url(self, challenge):
        return f"{challenge.url}export/"

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            (None, ""),
            (3, 3),
        ],
    )
    def test_safe_cell(self, value, expected):
        assert safe_cell(value) == expected

    def test_only_staff_may_export(self, client, challenge, resident, role_user):
        assert client.get(self.url(challenge)).status_code == 302
        client.force_login(resident)
        assert client.get(self.url(challenge)).status_code == 403
        client.force_login(role_user("taskforce"))
        assert client.get(self.url(challenge)).status_code == 200

    def test_streamed_and_formula_safe(self, client, challenge, make_idea, role_user, author):
        make_idea(challenge, title='=HYPERLINK("http://evil")', location_text="-2")
        make_idea(challenge, title=NASTY)
        client.force_login(role_user("taskforce"))
        response = client.get(self.url(challenge))
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 3
        titles = {row[2] for row in rows[1:]}
        assert titles == {'\'=HYPERLINK("http://evil")', NASTY}
        assert "'-2" in {row[6] for row in rows[1:]}
        assert author.email not in text

    def test_starts_with_a_byte_order_mark_for_spreadsheets(
        self, client, challenge, make_idea, role_user
    ):
        make_idea(challenge, title="مقاعد على ضفة النهر", location_text="Café Élysée")
        client.force_login(role_user("taskforce"))
        data = b"".join(client.get(self.url(challenge)).streaming_content)
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\xef\xbb\xbf") == 1
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][0] == "Number"
        assert (rows[1][2], rows[1][6]) == ("مقاعد على ضفة النهر", "Café Élysée")


def test_query_counts_do_not_grow_with_ideas_history_or_challenges(
    client, index_page, make_process, make_idea, role_user, resident
):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    challenge = make_process("submit", "Streets")
    idea = make_idea(challenge)
    client.force_login(resident)
    urls = [
        index_page.url,
        f"{index_page.url}?sort=supported",
        f"{challenge.url}{idea.pk}/",
        "/api/v1/ideas/",
        f"/api/v1/ideas/{idea.pk}",
    ]
    for url in urls:
        count(url)  # warm the caches first
    before = [count(url) for url in urls]
    staff = role_user("moderator")
    for number in range(8):
        other = make_idea(make_process("support", f"Challenge {number}"), title=f"Idea {number}")
        interactions.support_add(target=other, user=UserFactory())
        duplicate = make_idea(challenge, title=f"Duplicate {number}")
        services.idea_merge(idea=duplicate, into=idea, by=staff)
        services.idea_status_set(idea=idea, status="accepted", answer=f"Answer {number}", by=None)
    assert [count(url) for url in urls] == before
