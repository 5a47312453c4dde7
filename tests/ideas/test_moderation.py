"""Moderation, notifications, history and the relayed domain events of ideas."""

from uuid import uuid4

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.interactions import services as interactions
from civitas.interactions.models import Follow, Support
from civitas.notifications.models import Notification
from ideas import services
from ideas.models import HistoryKind, Idea, IdeaRedaction
from tests.factories import UserFactory

from .conftest import EVENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(role_user, challenge):
    return role_user("moderator", scope=challenge, name="Mo")


def notified(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_every_event_is_documented_with_its_arguments():
    for event in EVENTS:
        assert event.name.startswith("ideas.")
        for argument in event.arguments:
            assert argument in event.doc


class TestSupportedEvent:
    def test_adding_and_taking_back_a_support_tells_the_new_count(
        self, idea, resident, heard, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            interactions.support_add(target=idea, user=resident)
        with django_capture_on_commit_callbacks(execute=True):
            interactions.support_remove(target=idea, user=resident)
        supported = [kwargs for name, kwargs in heard if name == "ideas.idea_supported"]
        assert [(k["idea"].pk, k["user"], k["supported"], k["count"]) for k in supported] == [
            (idea.pk, resident, True, 1),
            (idea.pk, resident, False, 0),
        ]

    def test_nothing_is_sent_before_commit(
        self, idea, resident, heard, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            interactions.support_add(target=idea, user=resident)
        assert heard == []


class TestStatusNotifications:
    def test_author_supporters_and_followers_are_told_once_each(
        self, idea, author, role_user, django_capture_on_commit_callbacks
    ):
        staff = role_user("taskforce")
        both = UserFactory()
        supporter, follower = UserFactory(), UserFactory()
        for user in (both, supporter):
            interactions.support_add(target=idea, user=user)
        for user in (both, follower, author):
            interactions.follow(target=idea, user=user)
        services.idea_status_set(
            idea=idea, status="accepted", answer="We will <b>do</b> it.", by=staff
        )
        for person in (author, both, supporter, follower):
            rows = notified(person, "ideas.status_changed")
            assert rows.count() == 1, person
        row = notified(supporter, "ideas.status_changed").get()
        assert "Accepted" in row.title and idea.title in row.title
        assert row.body == "We will <b>do</b> it."
        assert row.url == f"{idea.challenge.url}{idea.pk}/"
        assert not notified(staff, "ideas.status_changed").exists()

    def test_an_unchanged_status_tells_no_one(self, idea, author, role_user):
        services.idea_status_set(idea=idea, status="submitted", answer="", by=None)
        assert not Notification.objects.exists()

    def test_a_new_answer_alone_tells_people(self, idea, author):
        services.idea_status_set(idea=idea, status="submitted", answer="Thanks", by=None)
        assert notified(author, "ideas.status_changed").count() == 1

    def test_status_and_answer_appear_in_the_history(self, idea, client):
        services.idea_status_set(idea=idea, status="under_review", answer="", by=None)
        services.idea_status_set(idea=idea, status="accepted", answer="Yes", by=None)
        kinds = [(e.kind, e.status_id) for e in idea.history.all()]
        assert kinds == [("status", "under_review"), ("status", "accepted"), ("answer", "accepted")]
        page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
        assert "Under review" in page and "Official answer updated" in page


class TestHide:
    def test_a_moderator_hides_with_a_reason_the_author_is_told_and_the_event_sent(
        self, idea, author, moderator, heard, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_hide(idea=idea, by=moderator, reason="Personal attack")
        idea.refresh_from_db()
        assert idea.hidden_at is not None and idea.hidden_reason == "Personal attack"
        row = notified(author, "interactions.content_hidden").get()
        assert "Personal attack" in row.body
        assert [name for name, _kw in heard] == ["ideas.idea_hidden"]
        assert heard[0][1] == {"idea": idea, "by": moderator, "reason": "Personal attack"}

    def test_residents_cannot_hide(self, idea, resident):
        with pytest.raises(NotAllowed):
            services.idea_hide(idea=idea, by=resident, reason="No")
        assert Idea.objects.get(pk=idea.pk).hidden_at is None

    def test_a_reason_is_needed(self, idea, moderator):
        with pytest.raises(DomainError):
            services.idea_hide(idea=idea, by=moderator, reason="  ")


class TestRedact:
    def test_the_previous_text_is_kept_for_staff_with_who_when_why(
        self, idea, moderator, heard, django_capture_on_commit_callbacks
    ):
        old_body = idea.body
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_redact(
                idea=idea,
                by=moderator,
                reason="Phone number",
                data={"body": "Call [removed]"},
            )
        idea.refresh_from_db()
        assert idea.body == "Call [removed]"
        trace = IdeaRedaction.objects.get()
        assert (trace.by, trace.reason, trace.previous) == (
            moderator,
            "Phone number",
            {"body": old_body},
        )
        assert idea.history.get().kind == HistoryKind.MODERATED
        assert ModelLogEntry.objects.filter(action="ideas.idea.redacted").count() == 1
        assert [name for name, _kw in heard] == ["ideas.idea_edited"]

    def test_the_previous_text_is_not_public(self, idea, moderator, client):
        services.idea_redact(
            idea=idea, by=moderator, reason="Name", data={"body": "Plain text now"}
        )
        page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
        assert "Shade too." not in page and "Edited by a moderator" in page

    @pytest.mark.parametrize(
        ("data", "reason", "code"),
        [
            ({"body": "New"}, "", "reason"),
            ({"body": "New"}, "x" * 301, "reason"),
            ({"body": ""}, "Why", "body"),
            ({"title": "Bad\x00"}, "Why", "title"),
            ({}, "Why", "body"),
        ],
    )
    def test_bad_input_changes_nothing(self, idea, moderator, data, reason, code):
        with pytest.raises(DomainError) as caught:
            services.idea_redact(idea=idea, by=moderator, reason=reason, data=data)
        assert caught.value.code == code
        assert Idea.objects.get(pk=idea.pk).body == "Shade too."
        assert not IdeaRedaction.objects.exists()


class TestMerge:
    def test_supports_move_without_counting_a_person_twice(
        self, challenge, make_idea, moderator, author, heard, django_capture_on_commit_callbacks
    ):
        kept = make_idea(challenge, title="Kept")
        duplicate = make_idea(challenge, title="Duplicate", by=UserFactory())
        both, only_dup, only_kept = UserFactory(), UserFactory(), UserFactory()
        for user in (both, only_dup):
            interactions.support_add(target=duplicate, user=user)
        for user in (both, only_kept):
            interactions.support_add(target=kept, user=user)
        interactions.follow(target=duplicate, user=only_dup)
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_merge(idea=duplicate, into=kept, by=moderator)
        assert interactions.support_count(kept) == 3
        assert set(Support.objects.for_object(kept).values_list("user", flat=True)) == {
            both.pk,
            only_dup.pk,
            only_kept.pk,
        }
        assert Follow.objects.for_object(kept).filter(user=only_dup).exists()
        duplicate.refresh_from_db()
        assert duplicate.merged_into == kept
        names = [name for name, _kw in heard]
        assert names == ["ideas.idea_merged", "ideas.idea_supported"]
        assert heard[1][1]["count"] == 3 and heard[1][1]["user"] is None
        # The duplicate's author, supporters and follower are told, once each.
        for person in (duplicate.author, both, only_dup):
            assert notified(person, "ideas.merged").count() == 1
        assert not notified(only_kept, "ideas.merged").exists()
        assert [e.kind for e in duplicate.history.all()] == ["merged"]
        assert [e.kind for e in kept.history.all()] == ["absorbed"]

    def test_a_merged_idea_takes_no_more_supports_or_comments(
        self, challenge, make_idea, moderator, resident
    ):
        kept, duplicate = make_idea(challenge, title="Kept"), make_idea(challenge, title="Dup")
        services.idea_merge(idea=duplicate, into=kept, by=moderator)
        duplicate.refresh_from_db()
        with pytest.raises(NotAllowed):
            interactions.support_add(target=duplicate, user=resident)
        with pytest.raises(NotAllowed):
            interactions.comment_post(target=duplicate, author=resident, body="Hello")

    def test_refusals(self, challenge, make_idea, moderator):
        kept, duplicate = make_idea(challenge, title="Kept"), make_idea(challenge, title="Dup")
        with pytest.raises(DomainError):
            services.idea_merge(idea=kept, into=kept, by=moderator)
        services.idea_merge(idea=duplicate, into=kept, by=moderator)
        with pytest.raises(Conflict):
            services.idea_merge(idea=duplicate, into=kept, by=moderator)
        third = make_idea(challenge, title="Third")
        with pytest.raises(Conflict):
            services.idea_merge(idea=third, into=duplicate, by=moderator)
        gone = make_idea(challenge, title="Gone", withdrawn_at=timezone.now())
        with pytest.raises(Conflict):
            services.idea_merge(idea=third, into=gone, by=moderator)

    def test_the_merged_idea_links_to_the_kept_one(self, client, challenge, make_idea, moderator):
        kept, duplicate = make_idea(challenge, title="Kept"), make_idea(challenge, title="Dup")
        services.idea_merge(idea=duplicate, into=kept, by=moderator)
        page = client.get(f"{challenge.url}{duplicate.pk}/").content.decode()
        assert f'href="{challenge.url}{kept.pk}/"' in page


class TestLockComments:
    def test_locked_comments_refuse_new_ones_and_reopen(self, idea, moderator, resident):
        services.idea_comments_lock(idea=idea, by=moderator, locked=True)
        idea.refresh_from_db()
        with pytest.raises(NotAllowed):
            interactions.comment_post(target=idea, author=resident, body="Hello")
        interactions.support_add(target=idea, user=resident)  # supports stay open
        services.idea_comments_lock(idea=idea, by=moderator, locked=False)
        idea.refresh_from_db()
        interactions.comment_post(target=idea, author=resident, body="Hello")
        assert [e.kind for e in idea.history.all()] == ["comments_locked", "comments_unlocked"]


class TestModerationPage:
    def url(self, idea):
        return f"{idea.challenge.url}{idea.pk}/moderate/"

    def test_only_moderators_get_it(self, client, idea, resident, moderator):
        assert client.get(self.url(idea)).status_code == 302
        client.force_login(resident)
        assert client.get(self.url(idea)).status_code == 403
        client.force_login(moderator)
        assert client.get(self.url(idea)).status_code == 200

    def test_hide_from_the_page(self, client, idea, moderator):
        client.force_login(moderator)
        response = client.post(self.url(idea), {"action": "hide", "reason": "Off topic"})
        assert response.status_code == 302
        assert Idea.objects.get(pk=idea.pk).hidden_reason == "Off topic"

    def test_a_missing_reason_is_a_clear_400(self, client, idea, moderator):
        client.force_login(moderator)
        response = client.post(self.url(idea), {"action": "hide", "reason": ""})
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
        assert Idea.objects.get(pk=idea.pk).hidden_at is None

    def test_redact_from_the_page_keeps_the_trace_visible_to_staff(self, client, idea, moderator):
        client.force_login(moderator)
        data = {
            "action": "redact",
            "redact-title": idea.title,
            "redact-body": "No names here",
            "redact-location_text": "",
            "redact-reason": "A neighbour's name",
        }
        assert client.post(self.url(idea), data).status_code == 302
        page = client.get(self.url(idea)).content.decode()
        assert "Shade too." in page and "A neighbour&#x27;s name" in page

    def test_merge_needs_an_open_idea_of_the_challenge(
        self, client, challenge, make_idea, moderator, make_process
    ):
        duplicate = make_idea(challenge, title="Dup")
        elsewhere = make_idea(make_process("submit", title="Other"), title="Elsewhere")
        client.force_login(moderator)
        url = self.url(duplicate)
        response = client.post(url, {"action": "merge", "merge-into": elsewhere.pk})
        assert response.status_code == 400
        assert "No open idea of this challenge" in response.content.decode()
        response = client.post(url, {"action": "merge", "merge-into": "abc"})
        assert response.status_code == 400
        kept = make_idea(challenge, title="Kept")
        assert client.post(url, {"action": "merge", "merge-into": kept.pk}).status_code == 302
        assert Idea.objects.get(pk=duplicate.pk).merged_into_id == kept.pk

    def test_lock_and_unknown_action(self, client, idea, moderator):
        client.force_login(moderator)
        assert client.post(self.url(idea), {"action": "lock"}).status_code == 302
        assert Idea.objects.get(pk=idea.pk).comments_locked_at is not None
        assert client.post(self.url(idea), {"action": "explode"}).status_code == 400


def test_share_link_and_history_on_the_detail_page(client, idea):
    page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
    assert f'value="http://testserver{idea.challenge.url}{idea.pk}/"' in page
    assert 'id="history-heading"' in page and "Proposed" in page


def test_the_check_step_suggests_open_ideas_only(client, challenge, make_idea, moderator, resident):
    kept = make_idea(challenge, title="Benches by the river")
    duplicate = make_idea(challenge, title="Benches near the river")
    services.idea_merge(idea=duplicate, into=kept, by=moderator)
    client.force_login(resident)
    response = client.post(
        f"{challenge.url}new/",
        {"title": "Benches on the river bank", "body": "Rest", "submission_key": str(uuid4())},
    )
    assert response.status_code == 200
    assert [idea.pk for idea in response.context["similar"]] == [kept.pk]


def test_status_e_mail_is_plain_text_with_the_words_as_typed(
    challenge, make_idea, author, mailoutbox, django_capture_on_commit_callbacks
):
    idea = make_idea(challenge, title='Benches <b>& "shade"</b>')
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_status_set(
            idea=idea, status="accepted", answer="Yes <script>x</script>", by=None
        )
    message = mailoutbox[-1]
    assert message.to == [author.email]
    assert not getattr(message, "alternatives", [])  # no HTML part that could run markup
    assert 'Benches <b>& "shade"</b>' in message.subject
    assert "Yes <script>x</script>" in message.body


class TestFlags:
    def test_a_reported_idea_lands_in_its_moderators_queue(
        self, client, idea, resident, moderator, make_process, role_user
    ):
        from django.urls import reverse

        client.force_login(resident)
        response = client.post(
            f"/i/ideas.idea/{idea.pk}/flag/", {"reason": "spam", "details": "Ads"}
        )
        assert response.status_code == 302
        queue = reverse("interactions_moderation:queue")
        client.force_login(moderator)
        response = client.get(queue)
        assert response.status_code == 200
        groups = response.context["groups"]
        assert [(group["target"], group["reports"]) for group in groups] == [(idea, 1)]
        html = response.content.decode()
        assert idea.title in html and f"{idea.challenge.url}{idea.pk}/" in html
        # A moderator of another challenge does not see it.
        elsewhere = role_user("moderator", scope=make_process("submit", "Parks"), name="Ela")
        client.force_login(elsewhere)
        assert client.get(queue).context["groups"] == []
