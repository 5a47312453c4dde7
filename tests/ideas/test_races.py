"""Races on ideas are settled by the database's unique constraints."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from civitas.accounts.models import User
from civitas.interactions import services as interactions
from civitas.interactions.models import Support
from ideas.models import Idea
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """An earlier transactional test may have flushed the database without recreating content
    types; the cache would still hand out the ids of rows that are gone."""
    ContentType.objects.clear_cache()


def test_fifty_supports_of_one_person_on_one_idea_leave_one(idea, resident):
    def support():
        user = User.objects.get(pk=resident.pk)
        target = Idea.objects.get(pk=idea.pk)
        return lambda: interactions.support_add(target=target, user=user)

    results, errors = run_together([support for _i in range(50)])
    assert errors == []
    assert results == [1] * 50
    assert Support.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="interactions.support.added").count() == 1
