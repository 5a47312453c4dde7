"""Setting an idea's status from the Wagtail admin list: who opens the list, what they see,
and the status page its rows link to."""

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.accounts.models import Role
from ideas.models import Idea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("ideas_admin:index")


def status_link(idea) -> str:
    return f'href="{idea.get_absolute_url()}status/"'


@pytest.fixture
def two_challenges(make_process, make_idea):
    north = make_process("submit", title="North")
    south = make_process("submit", title="South")
    return (
        north,
        south,
        make_idea(north, title="Benches north"),
        make_idea(south, title="Trees south"),
    )


def test_the_taskforce_opens_the_list_and_sees_every_idea_but_hidden_ones(
    client, role_user, two_challenges, make_idea
):
    north, _south, benches, trees = two_challenges
    hidden = make_idea(north, title="Hidden insult", hidden_at=timezone.now())
    client.force_login(role_user(Role.TASKFORCE))
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert status_link(benches) in html and status_link(trees) in html
    assert "Hidden insult" not in html and str(hidden.pk) + "/status/" not in html
    # Not a moderator: the titles lead to the public pages, not to moderation they cannot use.
    assert f'{benches.get_absolute_url()}moderate/"' not in html
    # The menu offers the list to them too.
    assert INDEX in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_challenge_moderator_gets_status_links_for_that_challenge_only(
    client, role_user, two_challenges
):
    north, _south, benches, trees = two_challenges
    client.force_login(role_user(Role.MODERATOR, north))
    html = client.get(INDEX).content.decode()
    assert status_link(benches) in html and status_link(trees) not in html
    assert f'{benches.get_absolute_url()}moderate/"' in html


def test_a_moderator_and_taskforce_member_moderates_only_their_challenge(
    client, role_user, two_challenges
):
    from civitas.accounts.services import role_assign

    north, _south, benches, trees = two_challenges
    user = role_user(Role.MODERATOR, north)
    role_assign(user=user, role=Role.TASKFORCE, scope=None, by=None)
    client.force_login(user)
    html = client.get(INDEX).content.decode()
    assert status_link(benches) in html and status_link(trees) in html
    assert f'{benches.get_absolute_url()}moderate/"' in html
    assert f'{trees.get_absolute_url()}moderate/"' not in html


@pytest.mark.parametrize("role", [Role.EDITOR, None])
def test_others_are_refused(client, role_user, two_challenges, role):
    client.force_login(UserFactory() if role is None else role_user(role))
    response = client.get(INDEX)
    assert response.status_code in (302, 403)
    assert "Benches north" not in response.content.decode()


def test_the_taskforce_sets_a_status_through_the_admin_link(
    client, role_user, two_challenges, resident
):
    _north, _south, benches, _trees = two_challenges
    client.force_login(role_user(Role.TASKFORCE))
    html = client.get(INDEX).content.decode()
    start = html.index(status_link(benches)) + len('href="')
    url = html[start : html.index('"', start)]
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "accepted", "answer": "We will build it."})
    assert response.status_code == 302
    benches.refresh_from_db()
    assert (benches.status_id, benches.official_answer) == ("accepted", "We will build it.")
    # Someone who may not set statuses cannot use that page.
    client.force_login(resident)
    assert client.post(url, {"status": "declined"}).status_code == 403
    assert Idea.objects.get(pk=benches.pk).status_id == "accepted"


def test_query_count_is_flat_for_the_taskforce(
    client, role_user, make_process, make_idea, django_assert_max_num_queries
):
    challenges = [make_process("submit", title=f"Challenge {i}") for i in range(3)]
    for i in range(30):
        make_idea(challenges[i % 3], title=f"Idea {i}")
    client.force_login(role_user(Role.TASKFORCE))
    client.get(INDEX)  # warm the site root paths cache
    with django_assert_max_num_queries(16):
        assert client.get(INDEX).status_code == 200
