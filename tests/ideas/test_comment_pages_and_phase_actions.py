"""An idea's page shows its comments by pages, and editors' phase settings bind its rules."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civitas.interactions.models import Comment
from civitas.interactions.rules import can
from civitas.participation.models import Phase
from ideas.models import Idea, IdeaChallengePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_comments(idea, count):
    """`count` top-level comments ("Comment 0007;"...), each with one reply."""
    idea_type = ContentType.objects.get_for_model(idea)
    person = UserFactory()
    start = timezone.now() - dt.timedelta(days=1)
    roots = Comment.objects.bulk_create(
        Comment(
            target_type=idea_type,
            target_id=idea.pk,
            author=person,
            body=f"Comment {i:04d};",
            created_at=start + dt.timedelta(seconds=i),
        )
        for i in range(count)
    )
    Comment.objects.bulk_create(
        Comment(
            target_type=idea_type,
            target_id=idea.pk,
            author=person,
            parent=root,
            body=f"Reply to {root.body}",
            created_at=root.created_at + dt.timedelta(seconds=0.5),
        )
        for root in roots
    )


def test_detail_queries_stay_the_same_and_only_the_first_page_renders(
    client, make_process, make_idea, resident
):
    small = make_idea(make_process("submit", title="Small"), title="Small idea")
    large = make_idea(make_process("submit", title="Large"), title="Large idea")
    add_comments(small, 5)
    add_comments(large, 300)
    client.force_login(resident)

    def fetch(idea, query=""):
        url = f"{idea.process.specific.url}{idea.pk}/{query}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    fetch(small), fetch(large)  # warm the caches
    small_html, small_queries = fetch(small)
    large_html, large_queries = fetch(large)
    assert small_queries == large_queries, (small_queries, large_queries)
    assert "Comment 0004;" in small_html and "Show more comments" not in small_html
    assert "Comment 0049;" in large_html and "Reply to Comment 0049;" in large_html
    assert "Comment 0050;" not in large_html
    assert "Show more comments" in large_html and "?comments=2#comment-" in large_html
    second_html, second_queries = fetch(large, "?comments=2")
    assert second_queries == large_queries
    assert "Comment 0050;" in second_html and "Comment 0049;" not in second_html
    assert "Show earlier comments" in second_html


@pytest.fixture
def quiet_submit(make_process):
    """A submit phase in which the editor switched commenting off."""
    challenge = make_process("submit")
    Phase.objects.filter(page=challenge).update(enabled_actions=["submit", "edit", "support"])
    return IdeaChallengePage.objects.get(pk=challenge.pk)


def test_a_submit_phase_without_comments_refuses_them(client, quiet_submit, make_idea, resident):
    idea = make_idea(quiet_submit)
    idea = Idea.objects.get(pk=idea.pk)
    assert not can("interactions.add_comment", resident, idea)
    assert can("interactions.add_support", resident, idea)
    assert resident.has_perm("ideas.add_idea", quiet_submit)
    client.force_login(resident)
    response = client.post(
        reverse("interactions:comment", args=["ideas.idea", idea.pk]), {"body": "Agreed"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()
    page = client.get(f"{quiet_submit.url}{idea.pk}/").content.decode()
    assert "Comments are closed in this phase." in page


def test_the_defaults_are_unchanged(make_process, make_idea, resident):
    challenge = make_process("submit")
    idea = make_idea(challenge)
    assert can("interactions.add_comment", resident, idea)
    assert resident.has_perm("ideas.add_idea", challenge)
    review = make_process("review", title="Review")
    assert not can("interactions.add_support", resident, make_idea(review, title="Later"))


def test_submitting_can_be_switched_off(make_process, resident):
    challenge = make_process("submit")
    Phase.objects.filter(page=challenge).update(enabled_actions=["comment", "support"])
    challenge = IdeaChallengePage.objects.get(pk=challenge.pk)
    assert not resident.has_perm("ideas.add_idea", challenge)


def test_editors_may_switch_supports_on_in_review(make_process, make_idea, resident):
    challenge = make_process("review")
    Phase.objects.filter(page=challenge, phase_type="ideas.review").update(
        enabled_actions=["comment", "support"]
    )
    idea = Idea.objects.get(pk=make_idea(challenge).pk)
    assert can("interactions.add_support", resident, idea)
