"""A withdrawn idea: closed to new supports, comments and follows, recorded in its history,
quiet about later status changes; and withdrawing twice (a race) is a clear answer."""

import pytest

from civitas.core.errors import Conflict, NotAllowed
from civitas.interactions import services as interactions
from civitas.interactions.models import Comment, Follow, Support
from civitas.notifications.models import Notification
from ideas import services
from ideas.models import HistoryKind, Idea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter(idea):
    person = UserFactory(display_name="Sue")
    interactions.support_add(target=idea, user=person)
    interactions.follow(target=idea, user=person)
    return person


@pytest.fixture
def withdrawn(idea, author, supporter):
    services.idea_withdraw(idea=idea, by=author)
    idea.refresh_from_db()
    return idea


def counts(idea):
    target = {"target_id": idea.pk}
    return (
        Support.objects.filter(**target).count(),
        Comment.objects.filter(**target).count(),
        Follow.objects.filter(**target).count(),
    )


def interaction_url(idea, action):
    return f"/i/ideas.idea/{idea.pk}/{action}/"


class TestServices:
    def test_no_new_supports_comments_or_follows(self, withdrawn, resident):
        before = counts(withdrawn)
        with pytest.raises(NotAllowed):
            interactions.support_add(target=withdrawn, user=resident)
        with pytest.raises(NotAllowed):
            interactions.comment_post(target=withdrawn, author=resident, body="Still good")
        with pytest.raises(NotAllowed):
            interactions.follow(target=withdrawn, user=resident)
        assert counts(withdrawn) == before
        withdrawn.refresh_from_db()
        assert withdrawn.support_count == 1

    def test_it_can_still_be_reported_and_unfollowed(self, withdrawn, resident, supporter):
        interactions.flag_create(target=withdrawn, reporter=resident, reason="spam")
        assert interactions.unfollow(target=withdrawn, user=supporter)

    def test_a_later_status_change_is_recorded_but_tells_no_one(
        self, withdrawn, supporter, author, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_status_set(
                idea=withdrawn, status="not_pursued", answer="Withdrawn by its author.", by=None
            )
        withdrawn.refresh_from_db()
        assert withdrawn.status_id == "not_pursued"
        assert HistoryKind.STATUS in {entry.kind for entry in withdrawn.history.all()}
        assert not Notification.objects.filter(kind="ideas.status_changed").exists()

    def test_withdrawing_is_a_step_of_the_history(self, withdrawn):
        entry = withdrawn.history.get()
        assert (entry.kind, entry.created_at) == (HistoryKind.WITHDRAWN, withdrawn.withdrawn_at)


class TestEndpoints:
    @pytest.mark.parametrize(
        ("action", "data"),
        [
            ("support", {"action": "add"}),
            ("comments", {"body": "Still a good idea"}),
            ("follow", {"action": "add"}),
        ],
    )
    def test_refused_with_403_and_nothing_changes(self, client, withdrawn, resident, action, data):
        before = counts(withdrawn)
        client.force_login(resident)
        response = client.post(interaction_url(withdrawn, action), data)
        assert response.status_code == 403
        assert counts(withdrawn) == before

    def test_the_page_says_it_was_withdrawn_and_offers_no_actions(
        self, client, withdrawn, resident
    ):
        client.force_login(resident)
        response = client.get(f"{withdrawn.challenge.url}{withdrawn.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "The author withdrew this idea on" in page
        assert "no longer takes supports or comments" in page
        assert "Withdrawn by the author" in page  # the history step
        for action in ("support", "comments", "follow"):
            assert f'action="{interaction_url(withdrawn, action)}"' not in page
        assert "Report this content" in page

    def test_an_open_idea_still_offers_them(self, client, idea, resident):
        client.force_login(resident)
        page = client.get(f"{idea.challenge.url}{idea.pk}/").content.decode()
        for action in ("support", "comments", "follow"):
            assert f'action="{interaction_url(idea, action)}"' in page


class TestWithdrawRace:
    def test_withdrawn_meanwhile_is_a_409_with_the_reason(self, client, idea, author, monkeypatch):
        """Both requests passed the permission check; the second finds the idea withdrawn."""
        real = services.idea_withdraw

        def withdrawn_by_the_other_tab(*, idea, by):
            real(idea=idea, by=by)
            return real(idea=idea, by=by)

        monkeypatch.setattr(services, "idea_withdraw", withdrawn_by_the_other_tab)
        client.force_login(author)
        response = client.post(f"{idea.challenge.url}{idea.pk}/withdraw/")
        assert response.status_code == 409
        assert "This idea was already withdrawn." in response.content.decode()
        assert Idea.objects.get(pk=idea.pk).history.count() == 1

    def test_a_phase_closed_meanwhile_is_a_403(self, client, idea, author, monkeypatch):
        def phase_closed(*, idea, by):
            raise NotAllowed("Ideas cannot be withdrawn in this phase.")

        monkeypatch.setattr(services, "idea_withdraw", phase_closed)
        client.force_login(author)
        response = client.post(f"{idea.challenge.url}{idea.pk}/withdraw/")
        assert response.status_code == 403
        assert not Idea.objects.get(pk=idea.pk).is_withdrawn

    def test_the_service_refuses_a_second_withdrawal(self, withdrawn, author):
        with pytest.raises(Conflict):
            services.idea_withdraw(idea=withdrawn, by=author)
        assert withdrawn.history.count() == 1
