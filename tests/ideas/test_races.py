"""Races on ideas are settled by the database's unique constraints."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from civitas.accounts.models import User
from civitas.core.errors import NotAllowed
from civitas.interactions import services as interactions
from civitas.interactions.models import Support
from ideas import services
from ideas.models import Idea
from tests.concurrency import run_together
from tests.factories import UserFactory

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
    assert Idea.objects.get(pk=idea.pk).support_count == 1
    assert ModelLogEntry.objects.filter(action="interactions.support.added").count() == 1


def test_concurrent_merge_and_supports_count_each_person_once(make_idea, challenge, role_user):
    kept = make_idea(challenge, title="Kept")
    duplicate = make_idea(challenge, title="Duplicate")
    moderator = role_user("moderator")
    people = [UserFactory() for _i in range(12)]
    # Half already support the kept idea, so their support of the duplicate must not count twice.
    for person in people[:6]:
        interactions.support_add(target=kept, user=person)

    def support(person, target_pk):
        def prepare():
            user = User.objects.get(pk=person.pk)
            target = Idea.objects.get(pk=target_pk)
            return lambda: interactions.support_add(target=target, user=user)

        return prepare

    def merge():
        idea = Idea.objects.get(pk=duplicate.pk)
        into = Idea.objects.get(pk=kept.pk)
        by = User.objects.get(pk=moderator.pk)
        return lambda: services.idea_merge(idea=idea, into=into, by=by)

    calls = [support(person, duplicate.pk) for person in people] + [merge]
    calls += [support(person, kept.pk) for person in people[6:9]]
    results, errors = run_together(calls)
    # A support that arrives after the merge is refused (the duplicate is closed); any other
    # error is a bug.
    assert all(isinstance(error, NotAllowed) for error in errors), errors
    supporters_of_kept = set(Support.objects.for_object(kept).values_list("user_id", flat=True))
    accepted_on_duplicate = len(people) - len(errors)
    # Nobody counts twice, and every support that was accepted ended on the kept idea.
    assert (
        Support.objects.for_object(duplicate).exclude(user_id__in=supporters_of_kept).count() == 0
    )
    assert len(supporters_of_kept) == interactions.support_count(kept)
    assert len(supporters_of_kept) >= max(9, accepted_on_duplicate)
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == kept.pk
    # The stored counts agree with the rows, on both ideas.
    for idea in (kept, duplicate):
        stored = Idea.objects.get(pk=idea.pk).support_count
        assert stored == Support.objects.for_object(idea).count()
