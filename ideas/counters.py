"""Stored support and comment counts of ideas, kept in the transaction that changes them.

A count is taken again under the idea's row lock rather than incremented: a delete signal
cannot tell whether a concurrent transaction already removed the same row, whereas a count
taken after the lock sees every change committed before it (each one waits for the lock).
Supports lock the idea before their row is written, in the same order as a merge (idea rows,
then supports), so a merge and a support cannot wait for each other.
"""

from django.db import transaction

from civitas.interactions.models import Support
from civitas.interactions.selectors import count_subquery, visible_comments
from civitas.interactions.targets import content_type_of

from .models import Idea


def idea_id_of(row) -> int | None:
    """The idea a Support or Comment points at, or None when it points at something else."""
    if row.target_type_id != content_type_of(Idea).pk:
        return None
    return row.target_id


def lock(idea_id: int) -> None:
    """Take the idea's row lock for the rest of the transaction (no-op when it is gone)."""
    list(Idea.objects.select_for_update().filter(pk=idea_id).values_list("pk"))


def lock_pair(first_id: int, second_id: int) -> dict[int, Idea]:
    """Lock two ideas in id order (so two merges of the same pair cannot deadlock); {pk: idea}."""
    rows = Idea.objects.select_for_update(of=("self",)).filter(pk__in=[first_id, second_id])
    return {row.pk: row for row in rows.order_by("pk")}


def recount(idea_id: int) -> None:
    """Store the idea's supports and visible comments, counted under its row lock."""
    target = {"target_type": content_type_of(Idea), "target_id": idea_id}
    with transaction.atomic():
        lock(idea_id)
        Idea.objects.filter(pk=idea_id).update(
            support_count=Support.objects.filter(**target).count(),
            comment_count=visible_comments().filter(**target).count(),
        )


def recount_for_comment(comment) -> None:
    """A moderator hid a comment of an idea or showed it again: recount in that transaction
    (registered with the kernel's interactions as ``comment_moderated``)."""
    idea_id = idea_id_of(comment)
    if idea_id is not None:
        recount(idea_id)


def recount_all(ideas=None) -> int:
    """Store the counts of `ideas` (default: all) in one statement; returns how many rows."""
    target_type = content_type_of(Idea)
    ideas = Idea.objects.all() if ideas is None else ideas
    return ideas.update(
        support_count=count_subquery(Support.objects.all(), target_type),
        comment_count=count_subquery(visible_comments(), target_type),
    )
