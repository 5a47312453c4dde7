"""Views of idea challenges: list, detail and the two-step submission, all without JavaScript."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civitas.interactions import services as interactions
from ideas.models import Idea
from tests.factories import DistrictFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [idea.title for idea in response.context["ideas"]]


def test_the_challenge_lists_public_ideas_newest_first(client, challenge, make_idea):
    make_idea(challenge, title="First")
    make_idea(challenge, title="Second")
    make_idea(challenge, title="Hidden", hidden_at=timezone.now())
    make_idea(challenge, title="Gone", withdrawn_at=timezone.now())
    response = client.get(challenge.url)
    assert response.status_code == 200
    assert titles(response) == ["Second", "First"]


def test_filters(client, challenge, make_idea):
    topic, district = TopicFactory(), DistrictFactory()
    make_idea(challenge, title="Topical", topic=topic)
    make_idea(challenge, title="Local", district=district)
    make_idea(challenge, title="Answered", status_id="accepted")
    assert titles(client.get(challenge.url, {"topic": topic.pk})) == ["Topical"]
    assert titles(client.get(challenge.url, {"district": district.pk})) == ["Local"]
    assert titles(client.get(challenge.url, {"status": "accepted"})) == ["Answered"]


def test_search(client, challenge, make_idea):
    make_idea(challenge, title="Benches by the river")
    make_idea(challenge, title="Bicycle lanes")
    assert titles(client.get(challenge.url, {"q": "bicycle"})) == ["Bicycle lanes"]


def test_sorts(client, challenge, make_idea):
    quiet = make_idea(challenge, title="Quiet")
    loved = make_idea(challenge, title="Loved")
    talked = make_idea(challenge, title="Talked about")
    Idea.objects.filter(pk=loved.pk).update(created_at=timezone.now() - timezone.timedelta(days=1))
    for _i in range(2):
        interactions.support_add(target=loved, user=UserFactory())
    interactions.comment_post(target=talked, author=UserFactory(), body="Yes please")
    assert titles(client.get(challenge.url, {"sort": "supported"}))[0] == "Loved"
    assert titles(client.get(challenge.url, {"sort": "discussed"}))[0] == "Talked about"
    first = titles(client.get(challenge.url, {"sort": "random"}))
    assert sorted(first) == sorted([quiet.title, loved.title, talked.title])
    # The shuffle is stable for the session.
    assert titles(client.get(challenge.url, {"sort": "random"})) == first


def test_pagination_keeps_the_filters(client, challenge, make_idea):
    topic = TopicFactory()
    for number in range(25):
        make_idea(challenge, title=f"Idea {number}", topic=topic)
    first = client.get(challenge.url, {"topic": topic.pk})
    assert len(titles(first)) == 20
    assert f"topic={topic.pk}&amp;page=2" in first.content.decode()
    second = client.get(challenge.url, {"topic": topic.pk, "page": 2})
    assert len(titles(second)) == 5


@pytest.mark.parametrize(
    "query",
    [{"topic": "999999"}, {"district": "x"}, {"status": "lost"}, {"sort": "x"}, {"q": "x" * 201}],
    ids=str,
)
def test_bad_filters_say_so_with_400(client, challenge, make_idea, query):
    make_idea(challenge)
    response = client.get(challenge.url, query)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert titles(response) == ["More benches by the river"]


def test_stored_text_is_escaped(client, challenge, make_idea):
    idea = make_idea(challenge, title="<script>alert(1)</script>", location_text="<b>Quay</b>")
    for url in (challenge.url, f"{challenge.url}{idea.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_shows_status_answer_and_interactions(client, challenge, make_idea):
    idea = make_idea(challenge, status_id="accepted", official_answer="We will build it.")
    response = client.get(f"{challenge.url}{idea.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Accepted" in html and "We will build it." in html


def test_hidden_or_foreign_ideas_are_not_found(client, challenge, make_process, make_idea):
    hidden = make_idea(challenge, hidden_at=timezone.now())
    other = make_idea(make_process("submit", title="Other"))
    assert client.get(f"{challenge.url}{hidden.pk}/").status_code == 404
    assert client.get(f"{challenge.url}{other.pk}/").status_code == 404


def test_list_and_detail_queries_do_not_grow(client, challenge, make_idea, resident):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    idea = make_idea(challenge)
    client.force_login(resident)
    count(challenge.url), count(f"{challenge.url}{idea.pk}/")  # warm the caches first
    list_before, detail_before = count(challenge.url), count(f"{challenge.url}{idea.pk}/")
    for number in range(10):
        other = make_idea(challenge, title=f"Idea {number}", topic=TopicFactory())
        interactions.comment_post(target=idea, author=UserFactory(), body=f"Comment {number}")
        interactions.support_add(target=other, user=UserFactory())
    assert count(challenge.url) == list_before
    assert count(f"{challenge.url}{idea.pk}/") == detail_before


def form_data(**changes):
    return {
        "title": "Benches by the river",
        "body": "Somewhere to rest.",
        "location_text": "Quay",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }


def test_submission_shows_similar_ideas_then_saves_once(client, challenge, make_idea, resident):
    make_idea(challenge, title="Benches in the park")
    client.force_login(resident)
    url = f"{challenge.url}new/"
    assert client.get(url).status_code == 200
    data = form_data()
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Benches in the park" in confirm.content.decode()
    assert Idea.objects.count() == 1
    saved = client.post(url, {**data, "confirmed": "1"})
    idea = Idea.objects.get(author=resident)
    assert saved.status_code == 302 and saved["Location"].endswith(f"/{idea.pk}/")
    # A resubmitted confirmation does not create a second idea.
    client.post(url, {**data, "confirmed": "1"})
    assert Idea.objects.filter(author=resident).count() == 1


def test_similar_ideas_survive_quotes_and_operators_in_the_title(
    client, challenge, make_idea, resident
):
    make_idea(challenge, title="Benches in the park")
    client.force_login(resident)
    confirm = client.post(f"{challenge.url}new/", form_data(title='Benches "in* the park OR'))
    assert confirm.status_code == 200
    assert "Benches in the park" in confirm.content.decode()


def test_change_it_goes_back_to_the_form_with_the_text(client, challenge, resident):
    client.force_login(resident)
    response = client.post(f"{challenge.url}new/", form_data(edit="1"))
    assert response.status_code == 200
    assert "Benches by the river" in response.content.decode()
    assert Idea.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "x" * 151},
        {"body": ""},
        {"body": "x" * 5001},
        {"topic": "999999"},
        {"district": "nope"},
        {"location_text": "x" * 201},
        {"submission_key": "not-a-key"},
    ],
    ids=str,
)
def test_bad_input_is_refused_with_400_and_kept(client, challenge, resident, changes):
    client.force_login(resident)
    data = form_data(**{"body": "My long <text> stays", **changes})
    response = client.post(f"{challenge.url}new/", {**data, "confirmed": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    if "body" not in changes:
        assert "My long &lt;text&gt; stays" in html  # nothing typed is lost
    assert Idea.objects.count() == 0


def test_who_may_open_the_form(client, make_process, resident):
    challenge = make_process("submit")
    response = client.get(f"{challenge.url}new/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(resident)
    assert client.get(f"{make_process('support', title='Later').url}new/").status_code == 403


def test_the_author_edits_and_withdraws(client, idea, author, challenge):
    client.force_login(author)
    detail = client.get(f"{challenge.url}{idea.pk}/").content.decode()
    assert f"{idea.pk}/edit/" in detail
    assert client.get(f"{challenge.url}{idea.pk}/edit/").status_code == 200
    bad = client.post(f"{challenge.url}{idea.pk}/edit/", {"title": "", "body": "Kept <b>"})
    assert bad.status_code == 400 and "Kept &lt;b&gt;" in bad.content.decode()
    saved = client.post(f"{challenge.url}{idea.pk}/edit/", {"title": "Trees", "body": "Shade"})
    assert saved.status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.body) == ("Trees", "Shade")
    assert client.get(f"{challenge.url}{idea.pk}/withdraw/").status_code == 200
    assert client.post(f"{challenge.url}{idea.pk}/withdraw/").status_code == 302
    idea.refresh_from_db()
    assert idea.is_withdrawn


def test_others_may_not_edit_or_withdraw(client, idea, resident, challenge):
    for action in ("edit", "withdraw"):
        assert client.get(f"{challenge.url}{idea.pk}/{action}/").status_code == 302
    client.force_login(resident)
    assert f"{idea.pk}/edit/" not in client.get(f"{challenge.url}{idea.pk}/").content.decode()
    for action in ("edit", "withdraw"):
        assert client.post(f"{challenge.url}{idea.pk}/{action}/", {"title": "x"}).status_code == 403
    idea.refresh_from_db()
    assert idea.title == "More benches by the river" and not idea.is_withdrawn


def test_staff_set_the_status_and_answer(client, idea, challenge, role_user, resident):
    from civitas.accounts.models import Role

    url = f"{challenge.url}{idea.pk}/status/"
    client.force_login(resident)
    assert client.post(url, {"status": "accepted"}).status_code == 403
    client.force_login(role_user(Role.TASKFORCE))
    assert "/status/" in client.get(f"{challenge.url}{idea.pk}/").content.decode()
    bad = client.post(url, {"status": "lost", "answer": "Kept <i>"})
    assert bad.status_code == 400 and "Kept &lt;i&gt;" in bad.content.decode()
    assert client.post(url, {"status": "accepted", "answer": "<b>Yes</b>"}).status_code == 302
    idea.refresh_from_db()
    assert (idea.status_id, idea.official_answer) == ("accepted", "<b>Yes</b>")
    html = client.get(f"{challenge.url}{idea.pk}/").content.decode()
    assert "&lt;b&gt;Yes&lt;/b&gt;" in html and "<b>Yes</b>" not in html
