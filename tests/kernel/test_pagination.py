"""Long lists keep their count for a while; short lists are always counted afresh."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civitas.core import pagination
from civitas.core.pagination import LargeListPaginator
from civitas.participation.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(pagination, "LARGE_LIST", 3)
    cache.clear()
    yield
    cache.clear()


def make_topics(*names):
    for name in names:
        Topic.objects.create(name=name, slug=name.lower())


def count_of(queryset) -> tuple[int, int]:
    """(the paginator's count, the queries it took)."""
    with CaptureQueriesContext(connection) as ctx:
        count = LargeListPaginator(queryset, 2).count
    return count, len(ctx.captured_queries)


def test_a_short_list_is_counted_every_time():
    make_topics("Parks", "Streets")
    assert count_of(Topic.objects.order_by("name")) == (2, 1)
    make_topics("Water")  # three now: long enough to be kept from the next count on
    assert count_of(Topic.objects.order_by("name")) == (3, 1)


def test_a_long_list_keeps_its_count_whatever_the_order():
    make_topics("Parks", "Streets", "Water")
    assert count_of(Topic.objects.order_by("name")) == (3, 1)
    make_topics("Schools")
    assert count_of(Topic.objects.order_by("-name")) == (3, 0)
    cache.clear()
    assert count_of(Topic.objects.order_by("name")) == (4, 1)


def test_other_filters_are_counted_on_their_own():
    make_topics("Parks", "Paths", "Ponds", "Streets")
    assert count_of(Topic.objects.all()) == (4, 1)
    assert count_of(Topic.objects.filter(name__startswith="P")) == (3, 1)
    assert count_of(Topic.objects.filter(name__startswith="S")) == (1, 1)
    assert count_of(Topic.objects.filter(name__startswith="P")) == (3, 0)


def test_a_list_no_row_can_match_counts_nothing():
    make_topics("Parks", "Streets", "Water")
    assert count_of(Topic.objects.filter(pk__in=[])) == (0, 0)
