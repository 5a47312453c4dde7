"""Comment threads come by pages of top-level comments, each with all its replies."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civitas.interactions import services
from civitas.interactions.models import Comment
from civitas.interactions.selectors import (
    COMMENTS_PER_PAGE,
    comment_page_number,
    comment_page_param,
    comment_thread,
)
from civitas.interactions.targets import public_url
from tests.dummy_process.models import Note

pytestmark = pytest.mark.django_db


def add_thread(note, author, roots, *, with_replies=True):
    """`roots` top-level comments ("Root 0007;"...), oldest first; with replies, every root gets
    a reply and every reply a reply of its own, down to the deepest level."""
    note_type = ContentType.objects.get_for_model(note)
    start = timezone.now() - dt.timedelta(days=1)
    made = Comment.objects.bulk_create(
        Comment(
            target_type=note_type,
            target_id=note.pk,
            author=author,
            body=f"Root {i:04d};",
            created_at=start + dt.timedelta(seconds=i),
        )
        for i in range(roots)
    )
    if with_replies:
        parents = made
        for level in range(1, services.MAX_COMMENT_DEPTH + 1):
            parents = Comment.objects.bulk_create(
                Comment(
                    target_type=note_type,
                    target_id=note.pk,
                    author=author,
                    parent=parent,
                    body=f"Reply {level} to {parent.body}",
                    created_at=parent.created_at + dt.timedelta(seconds=0.5),
                )
                for parent in parents
            )
    return made


def render_panel(note, user, path="/parks/"):
    request = RequestFactory().get(path)
    request.user = user
    template = Template("{% load interactions_tags %}{% interactions_panel note %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(RequestContext(request, {"note": note}))
    return html, len(queries)


class TestThreadPages:
    def test_pages_of_top_level_comments_with_all_their_replies(self, note, author):
        roots = add_thread(note, author, 120)
        first = comment_thread(note)
        assert [c.body for c in first] == [f"Root {i:04d};" for i in range(50)]
        assert first.number == 1 and first.has_next and not first.has_previous
        assert first.next_first.pk == roots[50].pk
        deepest = first[0].thread_replies[0].thread_replies[0].thread_replies[0]
        assert deepest.depth == services.MAX_COMMENT_DEPTH
        assert deepest.body.startswith("Reply 3 to Reply 2")
        last = comment_thread(note, page=3)
        assert [c.body for c in last] == [f"Root {i:04d};" for i in range(100, 120)]
        assert last.has_previous and not last.has_next and last.next_first is None
        assert list(comment_thread(note, page=4)) == []

    def test_one_query_whatever_the_size(self, note, make_note, make_process, author):
        other = make_note(make_process(title="Other"))
        add_thread(note, author, 5)
        add_thread(other, author, 300)
        for target in (note, other):
            with CaptureQueriesContext(connection) as queries:
                thread = comment_thread(target)
                [c.author.public_name for c in thread]
            assert len(queries) == 1
        assert len(thread) == COMMENTS_PER_PAGE

    @pytest.mark.parametrize(
        "given,number",
        [(None, 1), ("", 1), ("2", 2), ("abc", 1), ("0", 1), ("-3", 1), (str(10**30), 1)],
    )
    def test_the_page_parameter_falls_back_to_the_first_page(self, given, number):
        assert comment_page_param(given) == number

    def test_a_reply_is_on_the_page_of_its_top_level_comment(self, note, author):
        roots = add_thread(note, author, 60)
        reply = Comment.objects.filter(parent=roots[55]).get()
        assert comment_page_number(roots[0]) == 1
        assert comment_page_number(roots[49]) == 1
        assert comment_page_number(roots[50]) == 2
        assert comment_page_number(Comment.objects.filter(parent=reply).get()) == 2


def fresh(user):
    """The same person without cached state (consent, roles), as a new request has."""
    return user if user.is_anonymous else type(user).objects.get(pk=user.pk)


class TestPanel:
    def test_queries_do_not_grow_and_only_the_first_page_renders(
        self, make_process, make_note, author, resident
    ):
        small = make_note(make_process(title="Small"))
        large = make_note(make_process(title="Large"))
        add_thread(small, author, 5)
        roots = add_thread(large, author, 300)
        render_panel(small, resident)  # warm the caches
        for user in (AnonymousUser(), resident):
            small_html, small_queries = render_panel(Note.objects.get(pk=small.pk), fresh(user))
            large_html, large_queries = render_panel(Note.objects.get(pk=large.pk), fresh(user))
            assert small_queries == large_queries, (small_queries, large_queries)
            assert "Show more comments" not in small_html
            assert "Root 0049;" in large_html and "Root 0050;" not in large_html
            assert "Reply 3 to Reply 2 to Reply 1 to Root 0049;" in large_html
            assert large_html.count('class="comment"') == 50 * (services.MAX_COMMENT_DEPTH + 1)
            # The total is for the whole thread.
            assert "1200 comments" in large_html
            assert f'href="/parks/?comments=2#comment-{roots[50].pk}"' in large_html

    def test_a_later_page_links_back_and_keeps_other_parameters(self, note, author, resident):
        add_thread(note, author, 120, with_replies=False)
        html, _queries = render_panel(note, resident, path="/parks/?sort=new&comments=2")
        assert "Root 0050;" in html and "Root 0099;" in html
        assert "Root 0049;" not in html and "Root 0100;" not in html
        assert 'href="/parks/?sort=new#comments"' in html  # back to the first page
        assert "/parks/?sort=new&amp;comments=3#comment-" in html

    def test_a_page_past_the_end_says_so(self, note, author, resident):
        add_thread(note, author, 3, with_replies=False)
        html, _queries = render_panel(note, resident, path="/parks/?comments=7")
        assert "There are no comments on this page." in html
        assert 'href="/parks/#comments"' in html

    def test_a_bad_page_parameter_shows_the_first_page(self, note, author, resident):
        add_thread(note, author, 3, with_replies=False)
        for bad in ("abc", "0", "-1", str(10**30), "1e3"):
            html, _queries = render_panel(note, resident, path=f"/parks/?comments={bad}")
            assert "Root 0000;" in html, bad


class TestLinksToComments:
    def test_a_new_comment_on_a_long_thread_opens_its_page(self, client, note, author, resident):
        add_thread(note, author, 120, with_replies=False)
        client.force_login(resident)
        response = client.post(
            reverse("interactions:comment", args=["dummy_process.note", note.pk]),
            {"body": "Late to the party", "next": "/parks/?sort=new"},
        )
        comment = Comment.objects.get(body="Late to the party")
        assert response.status_code == 302
        assert response.url == f"/parks/?sort=new&comments=3#comment-{comment.pk}"

    def test_a_reply_opens_the_page_of_its_thread(self, client, note, author, resident):
        roots = add_thread(note, author, 60, with_replies=False)
        client.force_login(resident)
        response = client.post(
            reverse("interactions:comment_reply", args=[roots[51].pk]),
            {"body": "Agreed", "next": "/parks/?comments=2"},
        )
        reply = Comment.objects.get(body="Agreed")
        assert response.url == f"/parks/?comments=2#comment-{reply.pk}"
        early = client.post(
            reverse("interactions:comment_reply", args=[roots[1].pk]),
            {"body": "Early", "next": "/parks/?comments=2"},
        )
        assert early.url == f"/parks/#comment-{Comment.objects.get(body='Early').pk}"

    def test_a_lasting_link_finds_the_page(self, client, note, author):
        roots = add_thread(note, author, 60, with_replies=False)
        url = public_url(roots[55])
        assert url == f"/i/comments/{roots[55].pk}/#comment-{roots[55].pk}"
        response = client.get(reverse("interactions:comment_link", args=[roots[55].pk]))
        assert response.status_code == 302
        assert response.url == f"{note.process.url}?comments=2#comment-{roots[55].pk}"
        first = client.get(reverse("interactions:comment_link", args=[roots[0].pk]))
        assert first.url == f"{note.process.url}#comment-{roots[0].pk}"

    def test_a_lasting_link_to_nothing_is_404(self, client):
        assert client.get(reverse("interactions:comment_link", args=[999999])).status_code == 404
