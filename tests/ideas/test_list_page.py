"""How a list page reads its ideas: a page of ids first, then those rows; filter options once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea
from ideas.selectors import list_page, listed_ideas, narrowed_ideas
from tests.factories import DistrictFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["newest", "random"])
def test_pages_of_ids_read_the_rows_in_their_order(challenge, make_idea, sort):
    for number in range(7):
        make_idea(challenge, title=f"Idea {number}", support_count=number % 3)
    # A shuffled or searched list pages through ids; the others through the ideas themselves.
    ids, rows = list_page(listed_ideas(challenge), sort=sort, seed=7, searched=True)
    everything = list(ids)
    assert sorted(everything) == sorted(Idea.objects.values_list("pk", flat=True))
    page = everything[2:5]
    with CaptureQueriesContext(connection) as queries:
        ideas = rows(page)
        labels = [(idea.status.label, idea.process.title, idea.author_id) for idea in ideas]
    assert [idea.pk for idea in ideas] == page and len(labels) == 3
    assert len(queries) == 1  # status, process and author come with the rows


def test_a_searched_page_reads_its_matches(challenge, make_idea):
    make_idea(challenge, title="Benches by the river")
    make_idea(challenge, title="Trees in the square")
    matching = narrowed_ideas(listed_ideas(challenge), filters={"q": "river"})
    ids, rows = list_page(matching, searched=True)
    assert [idea.title for idea in rows(list(ids[:20]))] == ["Benches by the river"]


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed"])
def test_indexed_orders_read_the_page_in_one_query(challenge, make_idea, sort):
    ideas = [make_idea(challenge, title=f"Idea {n}", support_count=n) for n in range(3)]
    listed, rows = list_page(listed_ideas(challenge), sort=sort)
    with CaptureQueriesContext(connection) as queries:
        page = rows(listed[0:2])
        assert [idea.status.label for idea in page] == ["Submitted", "Submitted"]
    assert len(queries) == 1
    assert {idea.pk for idea in page} <= {idea.pk for idea in ideas}


def test_each_filter_reads_its_options_once(client, challenge, make_idea):
    topic, district = TopicFactory(), DistrictFactory()
    make_idea(challenge, title="Benches", topic=topic, district=district, status_id="accepted")
    client.get(challenge.url)  # warm the site root paths cache
    query = {"topic": topic.pk, "district": district.pk, "status": "accepted"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(challenge.url, query)
    assert [idea.title for idea in response.context["ideas"]] == ["Benches"]
    for table in ("participation_topic", "participation_district", "ideas_ideastatus"):
        reads = [
            q for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        ]
        assert len(reads) == 1, table
