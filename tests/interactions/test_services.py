import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from civitas.accounts.services import account_delete
from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.interactions import services, signals
from civitas.interactions.models import Comment, Flag, Follow, Support
from civitas.interactions.selectors import comment_thread
from civitas.notifications.models import Notification, NotificationPreference
from tests.dummy_process.models import Note
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actions_logged(obj):
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


class TestComments:
    def test_post_saves_audits_and_sends_event_after_commit(
        self, note, resident, on_commit, events
    ):
        posted = events(signals.comment_posted)
        with on_commit():
            comment = services.comment_post(
                target=note, author=resident, body="  Yes, please!\r\n", language="en"
            )
            assert posted == []  # not before commit
        assert comment.body == "Yes, please!"
        assert comment.target == note
        assert [call["comment"] for call in posted] == [comment]
        assert actions_logged(comment) == ["interactions.comment.posted"]
        # The audit trail never copies what people wrote.
        assert (
            "Yes"
            not in ModelLogEntry.objects.get(
                content_type=ContentType.objects.get_for_model(comment), object_id=str(comment.pk)
            ).label
        )

    def test_comment_notifies_the_contribution_author_but_not_oneself(self, note, author, resident):
        services.comment_post(target=note, author=resident, body="Nice idea")
        services.comment_post(target=note, author=author, body="Thanks")
        assert kinds_for(author) == ["interactions.comment_on_mine"]
        assert kinds_for(resident) == []

    def test_reply_notifies_the_parent_author_once(self, note, author, resident):
        parent = services.comment_post(target=note, author=resident, body="Where exactly?")
        reply = services.comment_post(
            target=note, author=author, body="By the old mill", parent=parent
        )
        assert reply.parent == parent
        notification = Notification.objects.get(recipient=resident)
        assert notification.kind == "interactions.reply"
        assert notification.title == "Noor replied to your comment"
        assert notification.body == "By the old mill"
        assert notification.url.endswith(f"#comment-{reply.pk}")

    def test_followers_hear_about_new_comments_once(self, note, author, resident):
        follower = UserFactory()
        services.follow(target=note, user=follower)
        services.follow(target=note, user=resident)
        services.follow(target=note, user=author)
        services.comment_post(target=note, author=resident, body="First!")
        assert kinds_for(follower) == ["interactions.followed_activity"]
        assert kinds_for(resident) == []  # the commenter
        assert kinds_for(author) == ["interactions.comment_on_mine"]  # not twice

    def test_reply_must_stay_on_the_same_object(self, make_note, process, note, resident):
        other = make_note(process, text="Other")
        parent = services.comment_post(target=other, author=resident, body="Hi")
        with pytest.raises(DomainError):
            services.comment_post(target=note, author=resident, body="Hi", parent=parent)

    def test_threads_have_a_maximum_depth(self, note, resident):
        parent = None
        for _level in range(services.MAX_COMMENT_DEPTH + 1):
            parent = services.comment_post(
                target=note, author=resident, body="deeper", parent=parent
            )
        with pytest.raises(DomainError, match="nested too deeply"):
            services.comment_post(target=note, author=resident, body="deeper", parent=parent)

    def test_no_reply_to_a_deleted_comment(self, note, resident):
        parent = services.comment_post(target=note, author=resident, body="Hm")
        services.comment_delete(comment=parent, by=resident)
        with pytest.raises(Conflict):
            services.comment_post(target=note, author=resident, body="Hi", parent=parent)

    def test_edit_by_author_marks_edited(self, note, resident, on_commit, events):
        edited = events(signals.comment_edited)
        comment = services.comment_post(target=note, author=resident, body="Typo")
        with on_commit():
            services.comment_edit(comment=comment, by=resident, body="Fixed")
        comment.refresh_from_db()
        assert comment.body == "Fixed"
        assert comment.edited_at is not None
        assert len(edited) == 1
        assert actions_logged(comment)[-1] == "interactions.comment.edited"

    def test_edit_refused_to_others_and_after_comments_close(
        self, make_process, make_note, resident
    ):
        process = make_process("collect")
        note = make_note(process)
        comment = services.comment_post(target=note, author=resident, body="Mine")
        with pytest.raises(NotAllowed):
            services.comment_edit(comment=comment, by=UserFactory(), body="Yours")
        process.phases.all().delete()
        comment = Comment.objects.get(pk=comment.pk)
        with pytest.raises(NotAllowed, match="closed"):
            services.comment_edit(comment=comment, by=resident, body="Changed")

    def test_delete_is_soft_and_keeps_replies(self, note, resident, author, on_commit, events):
        deleted = events(signals.comment_deleted)
        parent = services.comment_post(target=note, author=resident, body="Secret plan")
        reply = services.comment_post(target=note, author=author, body="Ok", parent=parent)
        with pytest.raises(NotAllowed):
            services.comment_delete(comment=parent, by=author)
        with on_commit():
            services.comment_delete(comment=parent, by=resident)
            services.comment_delete(comment=parent, by=resident)  # idempotent
        parent.refresh_from_db()
        assert parent.body == ""
        assert parent.deleted_at is not None
        assert len(deleted) == 1
        [top] = comment_thread(note)
        assert top == parent
        assert top.thread_replies == [reply]

    def test_refused_when_phase_does_not_allow_comments(self, make_process, make_note, resident):
        note = make_note(make_process("no_phase"))
        with pytest.raises(NotAllowed, match="Comments are closed"):
            services.comment_post(target=note, author=resident, body="Late")
        assert isinstance(NotAllowed("x"), PermissionDenied)

    @pytest.mark.parametrize(
        "body",
        ["", "   ", "x" * 5001, "bell\x07", "<script>alert(1)</script>", "<b>bold</b>"],
    )
    def test_bad_bodies_are_domain_errors(self, note, resident, body):
        with pytest.raises(DomainError):
            services.comment_post(target=note, author=resident, body=body)
        assert not Comment.objects.exists()

    def test_comparison_signs_are_plain_text(self, note, resident):
        comment = services.comment_post(target=note, author=resident, body="x<y and y>z, I <3 it")
        assert comment.body == "x<y and y>z, I <3 it"


class TestSupports:
    def test_add_is_idempotent_and_reports_the_count(self, note, resident, on_commit, events):
        changed = events(signals.support_changed)
        with on_commit():
            assert services.support_add(target=note, user=resident) == 1
            assert services.support_add(target=note, user=resident) == 1
            assert services.support_add(target=note, user=UserFactory()) == 2
        assert Support.objects.count() == 2
        assert [(c["supported"], c["count"]) for c in changed] == [(True, 1), (True, 2)]
        assert actions_logged(note).count("interactions.support.added") == 2

    def test_remove_is_idempotent(self, note, resident, on_commit, events):
        changed = events(signals.support_changed)
        services.support_add(target=note, user=resident)
        with on_commit():
            assert services.support_remove(target=note, user=resident) == 0
            assert services.support_remove(target=note, user=resident) == 0
        assert [(c["supported"], c["count"]) for c in changed] == [(False, 0)]
        assert "interactions.support.removed" in actions_logged(note)

    def test_only_while_the_phase_allows_support(self, make_process, make_note, resident):
        note = make_note(make_process("review"))
        with pytest.raises(NotAllowed, match="Supports are closed in this phase"):
            services.support_add(target=note, user=resident)
        with pytest.raises(NotAllowed):
            services.support_remove(target=note, user=resident)

    def test_unverified_people_cannot_support(self, note):
        with pytest.raises(NotAllowed, match="Confirm your e-mail"):
            services.support_add(target=note, user=UserFactory(verified=False))


class TestFollows:
    def test_follow_and_unfollow_are_idempotent(self, note, resident):
        first = services.follow(target=note, user=resident)
        assert services.follow(target=note, user=resident) == first
        assert Follow.objects.count() == 1
        assert services.unfollow(target=note, user=resident) is True
        assert services.unfollow(target=note, user=resident) is False
        assert not Follow.objects.exists()

    def test_unfollow_works_after_the_process_closed(self, note, resident):
        services.follow(target=note, user=resident)
        note.process.specific.phases.all().delete()
        assert services.unfollow(target=note, user=resident) is True

    def test_account_deletion_drops_follows(self, note, resident):
        services.follow(target=note, user=resident)
        services.support_add(target=note, user=resident)
        account_delete(user=resident)
        assert not Follow.objects.exists()
        assert Support.objects.count() == 1  # the count stays right


class TestFlags:
    def test_one_open_flag_per_person(self, note, resident, on_commit, events):
        flagged = events(signals.content_flagged)
        with on_commit():
            flag = services.flag_create(
                target=note, reporter=resident, reason="spam", details="Ads"
            )
        assert [c["flag"] for c in flagged] == [flag]
        with pytest.raises(Conflict):
            services.flag_create(target=note, reporter=resident, reason="offensive")
        assert Flag.objects.count() == 1
        assert "interactions.flag.created" in actions_logged(note)

    def test_a_new_flag_is_possible_after_resolution(self, note, resident, moderator):
        services.flag_create(target=note, reporter=resident, reason="spam")
        services.flag_dismiss(target=note, by=moderator)
        services.flag_create(target=note, reporter=resident, reason="spam")
        assert Flag.objects.open().count() == 1

    def test_unknown_reason_and_markup_are_refused(self, note, resident):
        with pytest.raises(DomainError):
            services.flag_create(target=note, reporter=resident, reason="boring")
        with pytest.raises(DomainError):
            services.flag_create(
                target=note, reporter=resident, reason="other", details="<img src=x>"
            )

    def test_comments_can_be_flagged(self, note, resident, author):
        comment = services.comment_post(target=note, author=author, body="Rude words")
        flag = services.flag_create(target=comment, reporter=resident, reason="offensive")
        assert flag.target == comment


class TestModeration:
    def test_hide_resolves_flags_notifies_author_and_sends_event(
        self, note, author, resident, moderator, on_commit, events
    ):
        hidden = events(signals.content_hidden)
        # The author turned everything off: hiding is mandatory news all the same.
        NotificationPreference.objects.create(
            user=author, kind="interactions.content_hidden", in_app=False, email=False
        )
        services.flag_create(target=note, reporter=resident, reason="spam")
        services.flag_create(target=note, reporter=UserFactory(), reason="offensive")
        with on_commit():
            resolved = services.content_hide(target=note, by=moderator, reason="Advertising")
        assert resolved == 2
        note.refresh_from_db()
        assert note.hidden_at is not None
        assert note.hidden_reason == "Advertising"
        assert not Flag.objects.open().exists()
        assert set(Flag.objects.values_list("resolution", flat=True)) == {"hidden"}
        notification = Notification.objects.get(recipient=author)
        assert notification.kind == "interactions.content_hidden"
        assert "Advertising" in notification.body
        assert [(c["target"], c["by"], c["reason"]) for c in hidden] == [
            (note, moderator, "Advertising")
        ]
        assert "interactions.content.hidden" in actions_logged(note)
        assert not Note.objects.visible().filter(pk=note.pk).exists()

    def test_hide_needs_a_reason_a_moderator_and_visible_content(self, note, resident, moderator):
        with pytest.raises(NotAllowed):
            services.content_hide(target=note, by=resident, reason="No")
        with pytest.raises(DomainError):
            services.content_hide(target=note, by=moderator, reason="  ")
        services.content_hide(target=note, by=moderator, reason="Spam")
        with pytest.raises(Conflict):
            services.content_hide(target=note, by=moderator, reason="Spam again")

    def test_moderators_of_another_process_cannot_hide(self, make_process, make_note, moderator):
        elsewhere = make_note(make_process("collect", title="Elsewhere"))
        with pytest.raises(NotAllowed):
            services.content_hide(target=elsewhere, by=moderator, reason="Spam")

    def test_hide_and_unhide_a_comment(self, note, resident, site_moderator, on_commit, events):
        unhidden = events(signals.content_unhidden)
        comment = services.comment_post(target=note, author=resident, body="Rude")
        services.content_hide(target=comment, by=site_moderator, reason="Insults")
        [shown] = comment_thread(note)
        assert shown.hidden_at is not None
        with on_commit():
            services.content_unhide(target=comment, by=site_moderator)
        comment.refresh_from_db()
        assert comment.hidden_at is None and comment.hidden_reason == ""
        assert len(unhidden) == 1
        assert sorted(kinds_for(resident)) == [
            "interactions.content_hidden",
            "interactions.content_restored",
        ]
        with pytest.raises(Conflict):
            services.content_unhide(target=comment, by=site_moderator)

    def test_dismiss_closes_reports_without_hiding(self, note, resident, administrator):
        services.flag_create(target=note, reporter=resident, reason="spam")
        assert services.flag_dismiss(target=note, by=administrator) == 1
        note.refresh_from_db()
        assert note.hidden_at is None
        assert Flag.objects.get().resolution == "dismissed"
        with pytest.raises(Conflict):
            services.flag_dismiss(target=note, by=administrator)

    def test_hide_refuses_objects_without_moderation_fields(self, administrator, process):
        with pytest.raises(TypeError):
            services.content_hide(target=administrator, by=administrator, reason="x")
