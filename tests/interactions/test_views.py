import pytest
from django.contrib.messages import get_messages
from django.template import RequestContext, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse

from civitas.interactions import services
from civitas.interactions.models import Comment, Flag, Support
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LABEL = "dummy_process.note"


def url(name, note, label=LABEL):
    return reverse(f"interactions:{name}", args=[label, note.pk])


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def render_panel(note, user, path="/parks/"):
    request = RequestFactory().get(path)
    request.user = user
    template = Template("{% load interactions_tags %}{% interactions_panel note %}")
    return template.render(RequestContext(request, {"note": note}))


class TestAddressing:
    def test_unregistered_models_and_missing_objects_are_404(self, client, resident, note):
        client.force_login(resident)
        assert client.post(url("support", note, label="accounts.user")).status_code == 404
        assert client.post(url("support", note, label="nonsense")).status_code == 404
        missing = reverse("interactions:support", args=[LABEL, 999999])
        assert client.post(missing).status_code == 404
        huge = reverse("interactions:support", args=[LABEL, 10**30])
        assert client.post(huge).status_code == 404
        # Comments can be flagged, but not supported.
        comment = services.comment_post(target=note, author=resident, body="Hi")
        assert client.post(url("support", comment, "interactions.comment")).status_code == 404

    def test_toggles_only_accept_post(self, client, resident, note):
        client.force_login(resident)
        assert client.get(url("support", note)).status_code == 405
        assert client.get(url("follow", note)).status_code == 405

    def test_anonymous_people_are_sent_to_sign_in_and_back(self, client, note):
        response = client.post(url("support", note), {"next": "/parks/"})
        assert response.status_code == 302
        assert response.url == reverse("account_login") + "?next=/parks/"


class TestSupportAndFollow:
    def test_support_then_withdraw(self, client, resident, note):
        client.force_login(resident)
        response = client.post(url("support", note), {"action": "add", "next": "/parks/"})
        assert response.status_code == 302
        assert response.url == "/parks/#interactions"
        assert message_texts(response) == ["Thank you for your support."]
        assert Support.objects.count() == 1
        # A double click does not count twice.
        client.post(url("support", note), {"action": "add", "next": "/parks/"})
        assert Support.objects.count() == 1
        response = client.post(url("support", note), {"action": "remove", "next": "/parks/"})
        assert message_texts(response)[-1] == "Your support was withdrawn."
        assert not Support.objects.exists()

    @pytest.mark.parametrize(
        "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
    )
    def test_unsafe_next_falls_back_to_the_process_page(self, client, resident, note, next_url):
        client.force_login(resident)
        response = client.post(url("support", note), {"next": next_url})
        assert response.status_code == 302
        assert response.url == note.process.specific.url + "#interactions"

    def test_follow_then_unfollow(self, client, resident, note):
        client.force_login(resident)
        client.post(url("follow", note), {"action": "add", "next": "/parks/"})
        assert services.unfollow(target=note, user=resident) is True
        client.post(url("follow", note), {"action": "add", "next": "/parks/"})
        response = client.post(url("follow", note), {"action": "remove", "next": "/parks/"})
        assert message_texts(response)[-1] == "You no longer follow this."


class TestComments:
    def test_post_reply_edit_delete(self, client, resident, author, note):
        client.force_login(resident)
        response = client.post(url("comment", note), {"body": "Great!", "next": "/parks/"})
        comment = Comment.objects.get()
        assert response.url == f"/parks/#comment-{comment.pk}"
        assert message_texts(response) == ["Your comment is published."]

        client.force_login(author)
        reply_url = reverse("interactions:comment_reply", args=[comment.pk])
        assert client.get(reply_url).status_code == 200
        response = client.post(reply_url, {"body": "Thanks!", "next": "/parks/"})
        reply = Comment.objects.get(parent=comment)
        assert response.url == f"/parks/#comment-{reply.pk}"

        edit_url = reverse("interactions:comment_edit", args=[comment.pk])
        assert client.get(edit_url).status_code == 403  # not the author
        client.force_login(resident)
        page = client.get(edit_url)
        assert page.status_code == 200
        assert "Great!" in page.content.decode()
        client.post(edit_url, {"body": "Great idea!", "next": "/parks/"})
        comment.refresh_from_db()
        assert comment.body == "Great idea!" and comment.edited_at

        delete_url = reverse("interactions:comment_delete", args=[comment.pk])
        assert client.get(delete_url).status_code == 200
        response = client.post(delete_url, {"next": "/parks/"})
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.deleted_at and comment.body == ""
        # Deleted comments cannot be edited or answered any more.
        response = client.post(edit_url, {"body": "Back", "next": "/parks/"})
        assert response.status_code == 302
        assert "This comment can no longer be changed." in message_texts(response)
        client.force_login(author)
        response = client.post(reply_url, {"body": "Hm", "next": "/parks/"})
        assert response.status_code == 302
        assert Comment.objects.count() == 2

    def test_others_cannot_delete(self, client, resident, author, note):
        comment = services.comment_post(target=note, author=author, body="Mine")
        client.force_login(resident)
        delete_url = reverse("interactions:comment_delete", args=[comment.pk])
        assert client.post(delete_url).status_code == 403
        assert client.get(delete_url).status_code == 403

    def test_closed_phase_gives_403_with_the_reason(
        self, client, resident, make_process, make_note
    ):
        note = make_note(make_process("no_phase"))
        client.force_login(resident)
        response = client.post(url("comment", note), {"body": "Late"})
        assert response.status_code == 403
        assert "Comments are closed at the moment." in response.content.decode()


class TestFlags:
    def test_form_then_report_then_duplicate(self, client, resident, note):
        client.force_login(resident)
        page = client.get(url("flag", note), {"next": "/parks/"})
        assert page.status_code == 200
        assert "Spam or advertising" in page.content.decode()
        response = client.post(
            url("flag", note), {"reason": "spam", "details": "Ads", "next": "/parks/"}
        )
        assert response.status_code == 302 and response.url == "/parks/"
        assert Flag.objects.get().details == "Ads"
        response = client.post(url("flag", note), {"reason": "offensive", "next": "/parks/"})
        assert response.status_code == 302
        assert "You have already reported this" in message_texts(response)[-1]
        assert Flag.objects.count() == 1

    def test_flag_a_comment(self, client, resident, author, note):
        comment = services.comment_post(target=note, author=author, body="Rude")
        client.force_login(resident)
        response = client.post(
            url("flag", comment, "interactions.comment"), {"reason": "offensive"}
        )
        assert response.status_code == 302
        assert Flag.objects.get().target == comment


# A day-long window: a minute window could roll over between the requests.
@override_settings(CIVITAS_SUBMISSION_RATE="3/d")
def test_too_many_submissions_get_429(client, resident, note):
    client.force_login(resident)
    statuses = [client.post(url("support", note), {"action": "add"}).status_code for _i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert "too many requests" in client.post(url("comment", note), {"body": "x"}).content.decode()


class TestPanel:
    def test_anonymous_people_are_invited_to_sign_in(self, note):
        from django.contrib.auth.models import AnonymousUser

        html = render_panel(note, AnonymousUser())
        assert "Sign in to comment." in html
        assert "Sign in to support." in html
        assert f"{reverse('account_login')}?next=/parks/" in html
        assert "<textarea" not in html

    def test_people_without_consent_are_sent_to_the_terms(self, note):
        html = render_panel(note, UserFactory(consented=False))
        assert "Accept the current terms of use to take part." in html
        assert f"{reverse('accounts:terms')}?next=/parks/" in html

    def test_review_phase_explains_closed_supports(self, resident, make_process, make_note):
        note = make_note(make_process("review"))
        html = render_panel(note, resident)
        assert "Supports are closed in this phase." in html
        assert 'name="body"' in html  # commenting is open in review

    def test_counts_state_and_escaped_thread(self, note, resident, author):
        services.support_add(target=note, user=resident)
        services.follow(target=note, user=resident)
        top = services.comment_post(target=note, author=author, body="x<y & y>z")
        Comment.objects.create(
            target_type=top.target_type,
            target_id=note.pk,
            author=author,
            body="<script>alert(1)</script>",  # e.g. imported data
        )
        gone = services.comment_post(target=note, author=resident, body="Oops", parent=top)
        services.comment_delete(comment=gone, by=resident)
        html = render_panel(note, resident)
        assert "1 support" in html and "including yours" in html
        assert "Withdraw my support" in html
        assert "Stop following" in html
        assert "2 comments" in html  # the deleted one does not count
        assert "x&lt;y &amp; y&gt;z" in html
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "This comment was deleted by its author." in html
        assert reverse("interactions:comment_reply", args=[top.pk]) in html
        assert reverse("interactions:comment_edit", args=[gone.pk]) not in html

    def test_own_comments_have_edit_and_delete_others_report(self, note, resident, author):
        mine = services.comment_post(target=note, author=resident, body="Mine")
        theirs = services.comment_post(target=note, author=author, body="Theirs")
        html = render_panel(note, resident)
        assert reverse("interactions:comment_edit", args=[mine.pk]) in html
        assert reverse("interactions:comment_delete", args=[mine.pk]) in html
        assert reverse("interactions:flag", args=["interactions.comment", theirs.pk]) in html
        assert reverse("interactions:flag", args=["interactions.comment", mine.pk]) not in html
        assert reverse("interactions:comment_edit", args=[theirs.pk]) not in html

    def test_deepest_comments_offer_no_reply(self, note, resident):
        parent = None
        for _level in range(services.MAX_COMMENT_DEPTH + 1):
            parent = services.comment_post(target=note, author=resident, body="d", parent=parent)
        html = render_panel(note, resident)
        assert reverse("interactions:comment_reply", args=[parent.pk]) not in html
        assert reverse("interactions:comment_reply", args=[parent.parent_id]) in html

    def test_unregistered_objects_render_nothing(self, resident):
        assert render_panel(UserFactory(), resident).strip() == ""
