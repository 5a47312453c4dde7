"""Stored support and comment counts follow every change, in the transaction that makes it."""

import pytest
from django.db import transaction

from civitas.interactions import services as interactions
from civitas.interactions.models import Support
from civitas.interactions.targets import content_type_of
from ideas import counters, services
from ideas.models import Idea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def counts(idea) -> tuple[int, int]:
    return tuple(
        Idea.objects.filter(pk=idea.pk).values_list("support_count", "comment_count").get()
    )


@pytest.fixture
def supporting(make_process):
    """A challenge in its support phase (comments and supports open)."""
    return make_process("support")


def test_supports_added_and_taken_back_are_counted(supporting, make_idea):
    idea = make_idea(supporting)
    people = [UserFactory() for _i in range(3)]
    for person in people:
        interactions.support_add(target=idea, user=person)
    interactions.support_add(target=idea, user=people[0])  # again: no second support
    assert counts(idea) == (3, 0)
    interactions.support_remove(target=idea, user=people[1])
    interactions.support_remove(target=idea, user=people[1])  # again: nothing to remove
    assert counts(idea) == (2, 0)


def test_comments_posted_deleted_hidden_and_shown_again_are_counted(
    supporting, make_idea, role_user
):
    idea = make_idea(supporting)
    moderator = role_user("moderator")
    first = interactions.comment_post(target=idea, author=UserFactory(), body="Yes please")
    second = interactions.comment_post(target=idea, author=UserFactory(), body="Also here")
    interactions.comment_post(target=idea, author=UserFactory(), body="Reply", parent=first)
    assert counts(idea) == (0, 3)
    interactions.comment_delete(comment=second, by=second.author)
    assert counts(idea) == (0, 2)
    # Hiding and showing again recount in their own transaction: nothing waits for a commit.
    interactions.content_hide(target=first, by=moderator, reason="Insults")
    assert counts(idea) == (0, 1)
    interactions.content_unhide(target=first, by=moderator)
    assert counts(idea) == (0, 2)


def test_a_hiding_rolled_back_leaves_the_count(supporting, make_idea, role_user):
    idea = make_idea(supporting)
    comment = interactions.comment_post(target=idea, author=UserFactory(), body="Yes please")
    with pytest.raises(RuntimeError), transaction.atomic():
        interactions.content_hide(target=comment, by=role_user("moderator"), reason="Insults")
        assert counts(idea) == (0, 0)  # counted in the hiding's transaction
        raise RuntimeError("the transaction fails later")
    assert counts(idea) == (0, 1)


def test_merge_moves_the_counts_without_counting_a_person_twice(supporting, make_idea, role_user):
    kept, duplicate = make_idea(supporting, title="Kept"), make_idea(supporting, title="Copy")
    both, only_duplicate, only_kept = UserFactory(), UserFactory(), UserFactory()
    for person in (both, only_kept):
        interactions.support_add(target=kept, user=person)
    for person in (both, only_duplicate):
        interactions.support_add(target=duplicate, user=person)
    interactions.comment_post(target=duplicate, author=both, body="Same as the other one")
    services.idea_merge(idea=duplicate, into=kept, by=role_user("moderator"))
    assert counts(kept) == (3, 0)
    # The support of the person behind both stays on the duplicate, which no list shows.
    assert counts(duplicate) == (1, 1)
    assert counts(kept)[0] == Support.objects.for_object(kept).count()


def test_hiding_and_withdrawing_keep_the_counts(supporting, make_idea, role_user, author):
    idea = make_idea(supporting)
    interactions.support_add(target=idea, user=UserFactory())
    interactions.comment_post(target=idea, author=UserFactory(), body="Good")
    services.idea_hide(idea=idea, by=role_user("moderator"), reason="Off topic")
    assert counts(idea) == (1, 1)
    other = make_idea(supporting, title="Other")
    interactions.support_add(target=other, user=UserFactory())
    other.withdrawn_at = other.created_at
    other.save(update_fields=["withdrawn_at"])
    assert counts(other) == (1, 0)


def test_a_full_save_of_an_idea_loaded_earlier_keeps_newer_counts(supporting, make_idea):
    idea = make_idea(supporting)
    stale = Idea.objects.get(pk=idea.pk)
    interactions.support_add(target=idea, user=UserFactory())
    stale.official_answer = "Thanks"
    stale.save()
    assert counts(idea) == (1, 0)
    assert Idea.objects.get(pk=idea.pk).official_answer == "Thanks"


def test_deleting_a_supporters_account_takes_their_support_off_the_count(supporting, make_idea):
    idea = make_idea(supporting)
    leaving = UserFactory()
    interactions.support_add(target=idea, user=leaving)
    interactions.support_add(target=idea, user=UserFactory())
    leaving.delete()
    assert counts(idea) == (1, 0)


def test_recount_all_repairs_counts(supporting, make_idea):
    idea = make_idea(supporting)
    interactions.support_add(target=idea, user=UserFactory())
    Idea.objects.filter(pk=idea.pk).update(support_count=7, comment_count=7)
    assert counters.recount_all() >= 1
    assert counts(idea) == (1, 0)


def test_supports_of_other_objects_change_no_idea(supporting, make_idea):
    idea = make_idea(supporting)
    comment = interactions.comment_post(target=idea, author=UserFactory(), body="Nice")
    # A support of the comment, whose id may equal the idea's: another kind of object.
    Support.objects.create(
        target_type=content_type_of(comment), target_id=idea.pk, user=UserFactory()
    )
    assert counts(idea) == (0, 1)
