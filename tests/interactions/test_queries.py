"""Reads do not grow with the number of comments or objects."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from civitas.interactions import services
from civitas.interactions.models import Comment
from civitas.interactions.selectors import (
    comment_thread,
    interaction_counts,
    with_interaction_counts,
)
from tests.dummy_process.models import Note
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_comments(note, people, count):
    """`count` comments by several people, every third one a reply to the one before."""
    previous = None
    for i in range(count):
        parent = previous if i % 3 == 2 else None
        previous = services.comment_post(
            target=note, author=people[i % len(people)], body=f"Comment {i}", parent=parent
        )


def render_panel(note, user):
    request = RequestFactory().get("/parks/")
    request.user = user
    template = Template("{% load interactions_tags %}{% interactions_panel note %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(RequestContext(request, {"note": note}))
    return html, len(queries)


def test_comment_thread_is_one_query(note, django_assert_num_queries):
    people = [UserFactory() for _i in range(4)]
    add_comments(note, people, 3)
    comment_thread(note)  # content types are cached after the first use
    with django_assert_num_queries(1):
        small = comment_thread(note)
        [c.author.public_name for c in small]
    add_comments(note, people, 40)
    with django_assert_num_queries(1):
        thread = comment_thread(note)
        names = [c.author.public_name for c in thread]
        replies = [r.body for c in thread for r in c.thread_replies]
    assert len(names) + len(replies) == 43


def test_panel_rendering_does_not_grow_with_the_thread(make_process, make_note, resident):
    people = [UserFactory() for _i in range(5)]
    small_note = make_note(make_process(title="Small"))
    large_note = make_note(make_process(title="Large"))
    add_comments(small_note, people, 2)
    add_comments(large_note, people, 40)
    render_panel(small_note, resident)  # warm caches on a fresh user copy below
    for user in (AnonymousUser(), resident):
        fresh_small = Note.objects.get(pk=small_note.pk)
        fresh_large = Note.objects.get(pk=large_note.pk)
        user_a = user if user.is_anonymous else type(user).objects.get(pk=user.pk)
        user_b = user if user.is_anonymous else type(user).objects.get(pk=user.pk)
        _html, small_queries = render_panel(fresh_small, user_a)
        html, large_queries = render_panel(fresh_large, user_b)
        assert small_queries == large_queries, (small_queries, large_queries)
        # A fresh user object: its consent to the terms is read once; the thread's total is
        # counted apart from the page of comments shown.
        assert small_queries <= 12
        assert "Comment 39" in html


def test_interaction_counts_is_two_queries_whatever_the_number(
    process, make_note, django_assert_num_queries
):
    people = [UserFactory() for _i in range(3)]
    notes = [make_note(process, text=f"Note {i}") for i in range(12)]
    for i, note in enumerate(notes):
        for person in people[: i % 4]:
            services.support_add(target=note, user=person)
        for j in range(i % 3):
            services.comment_post(target=note, author=people[0], body=f"c{j}")
    hidden = services.comment_post(target=notes[1], author=people[0], body="Hidden")
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    interaction_counts(notes[:2])
    with django_assert_num_queries(2):
        few = interaction_counts(notes[:2])
    with django_assert_num_queries(2):
        counts = interaction_counts(notes)
    assert few == {pk: counts[pk] for pk in few}
    for i, note in enumerate(notes):
        assert counts[note.pk] == {"supports": min(i % 4, 3), "comments": i % 3}
    assert interaction_counts([]) == {}


def test_with_interaction_counts_annotates_in_one_query(
    process, make_note, resident, django_assert_num_queries
):
    quiet = make_note(process, text="Quiet")
    busy = make_note(process, text="Busy")
    services.support_add(target=busy, user=resident)
    services.comment_post(target=busy, author=resident, body="Yes")
    gone = services.comment_post(target=busy, author=resident, body="Oops")
    services.comment_delete(comment=gone, by=resident)
    with django_assert_num_queries(1):
        rows = {
            n.pk: (n.support_count, n.comment_count)
            for n in with_interaction_counts(Note.objects.all())
        }
    assert rows == {quiet.pk: (0, 0), busy.pk: (1, 1)}


def test_interaction_counts_refuses_mixed_models(note, resident):
    comment = services.comment_post(target=note, author=resident, body="x")
    with pytest.raises(ValueError):
        interaction_counts([note, comment])
