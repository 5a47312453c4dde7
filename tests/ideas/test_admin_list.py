"""The staff list of ideas in the Wagtail admin: who sees it, what it shows, filters, search,
read-only, and a flat number of queries."""

import pytest
from django.urls import reverse

from civitas.accounts.models import Role
from ideas.models import Idea
from tests.factories import DistrictFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "ideas_admin:index"


def listed(response) -> list[str]:
    """Titles of the ideas in the list, in order (each links to its moderation page)."""
    ideas = Idea.objects.in_bulk()
    html = response.content.decode()
    return [
        idea.title
        for idea in sorted(ideas.values(), key=lambda i: (-i.created_at.timestamp(), -i.pk))
        if f'href="{idea.get_absolute_url()}moderate/"' in html
    ]


@pytest.fixture
def two_challenges(make_process, make_idea):
    north = make_process("submit", title="North")
    south = make_process("submit", title="South")
    make_idea(north, title="Benches north")
    make_idea(south, title="Trees south")
    return north, south


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.MODERATOR])
def test_administrators_and_site_moderators_see_every_idea(client, role_user, two_challenges, role):
    client.force_login(role_user(role))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert sorted(listed(response)) == ["Benches north", "Trees south"]


def test_a_challenge_moderator_sees_only_the_ideas_of_that_challenge(
    client, role_user, two_challenges
):
    north, _south = two_challenges
    client.force_login(role_user(Role.MODERATOR, north))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert listed(response) == ["Benches north"]
    # Nor is the other challenge offered as a filter.
    assert "South" not in response.content.decode()


def test_staff_who_neither_moderate_nor_set_statuses_are_refused(client, role_user, two_challenges):
    client.force_login(role_user(Role.EDITOR))
    response = client.get(reverse(INDEX))
    assert response.status_code == 403
    assert "Benches north" not in response.content.decode()


def test_residents_and_anonymous_people_never_reach_it(client, two_challenges):
    response = client.get(reverse(INDEX))
    assert response.status_code == 302
    client.force_login(UserFactory())
    response = client.get(reverse(INDEX))
    assert response.status_code in (302, 403)
    assert "Benches north" not in response.content.decode()


def test_the_menu_shows_the_list_to_moderators_only(client, role_user):
    client.force_login(role_user(Role.MODERATOR))
    assert reverse(INDEX) in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(role_user(Role.EDITOR, name="Editor"))
    assert reverse(INDEX) not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_list_is_read_only(client, role_user, idea):
    client.force_login(role_user(Role.MODERATOR))
    html = client.get(reverse(INDEX)).content.decode()
    assert reverse("ideas_admin:edit", args=[idea.pk]) not in html
    assert reverse("ideas_admin:add") not in html
    for url in (
        reverse("ideas_admin:add"),
        reverse("ideas_admin:edit", args=[idea.pk]),
        reverse("ideas_admin:delete", args=[idea.pk]),
    ):
        response = client.post(url, {"title": "Changed", "body": "Changed"})
        assert response.status_code in (302, 403), url
    idea.refresh_from_db()
    assert idea.title == "More benches by the river"
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_rows_show_the_columns_and_link_to_moderation_and_public_pages(
    client, role_user, challenge, make_idea
):
    topic, district = TopicFactory(), DistrictFactory()
    idea = make_idea(
        challenge,
        title="Shade trees",
        topic=topic,
        district=district,
        status_id="accepted",
        support_count=7,
        comment_count=3,
    )
    client.force_login(role_user(Role.MODERATOR))
    html = client.get(reverse(INDEX)).content.decode()
    assert f'href="{idea.get_absolute_url()}moderate/"' in html
    assert f'href="{idea.get_absolute_url()}"' in html
    # The public link names its idea for screen readers, not just "View".
    assert 'View<span class="w-sr-only">: Shade trees</span>' in html
    for text in ("Shade trees", challenge.title, "Accepted", str(topic), str(district)):
        assert text in html
    for header in ("Challenge", "Status", "Topic", "District", "Supports", "Comments", "Created"):
        assert header in html
    assert ">7<" in html.replace(" ", "").replace("\n", "")
    assert ">3<" in html.replace(" ", "").replace("\n", "")


def test_filters_and_search(client, role_user, two_challenges, make_idea):
    north, south = two_challenges
    topic, district = TopicFactory(), DistrictFactory()
    make_idea(north, title="Topical lamps", topic=topic)
    make_idea(south, title="Local fountain", district=district)
    make_idea(south, title="Accepted crossing", status_id="accepted")
    client.force_login(role_user(Role.MODERATOR))
    url = reverse(INDEX)
    assert sorted(listed(client.get(url, {"process": north.pk}))) == [
        "Benches north",
        "Topical lamps",
    ]
    assert listed(client.get(url, {"status": "accepted"})) == ["Accepted crossing"]
    assert listed(client.get(url, {"topic": topic.pk})) == ["Topical lamps"]
    assert listed(client.get(url, {"district": district.pk})) == ["Local fountain"]
    assert listed(client.get(url, {"q": "fountain"})) == ["Local fountain"]
    assert listed(client.get(url, {"q": "fountain", "process": north.pk})) == []
    # A challenge outside the person's reach is not a valid choice: the filter is refused,
    # nothing leaks.
    client.force_login(role_user(Role.MODERATOR, north, name="North moderator"))
    response = client.get(url, {"process": south.pk})
    assert response.status_code == 200
    assert "Trees south" not in response.content.decode()


def test_hidden_and_withdrawn_ideas_are_listed_for_moderators(
    client, role_user, challenge, make_idea
):
    from django.utils import timezone

    make_idea(challenge, title="Hidden one", hidden_at=timezone.now())
    make_idea(challenge, title="Withdrawn one", withdrawn_at=timezone.now())
    client.force_login(role_user(Role.MODERATOR))
    assert sorted(listed(client.get(reverse(INDEX)))) == ["Hidden one", "Withdrawn one"]


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_is_flat(
    client, role_user, make_process, make_idea, size, django_assert_max_num_queries
):
    topic, district = TopicFactory(), DistrictFactory()
    challenges = [make_process("submit", title=f"Challenge {i}") for i in range(3)]
    for i in range(size):
        make_idea(challenges[i % 3], title=f"Idea {i}", topic=topic, district=district)
    client.force_login(role_user(Role.MODERATOR))
    client.get(reverse(INDEX))  # warm the site root paths cache
    # 16: the status filter reads the statuses editors manage, once (as topic and district do).
    with django_assert_max_num_queries(16):
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert len(listed(response)) == size
