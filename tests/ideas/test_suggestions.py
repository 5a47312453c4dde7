"""Similar ideas suggested while people write an idea, and on the check step."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from ideas.suggestions import SUGGESTION_LIMIT, similar_ideas, telling_words
from tests.factories import UserFactory

URL = reverse("ideas:similar")


def suggest(client, challenge, title, **extra):
    return client.get(URL, {"challenge": challenge.pk, "title": title, **extra})


def test_suggests_public_ideas_of_the_same_challenge(client, challenge, make_idea, make_process):
    park = make_idea(challenge, title="Benches in the park")
    make_idea(challenge, title="Longer opening hours of the library")
    make_idea(make_process("submit", title="Other"), title="Benches by the station")
    response = suggest(client, challenge, "Benches by the river")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Similar ideas already posted - you can support one of them instead" in html
    assert f'href="{challenge.url}{park.pk}/"' in html
    assert "library" not in html and "station" not in html
    assert "no-store" in response["Cache-Control"]


def test_ideas_with_every_word_come_first_then_the_most_supported(client, challenge, make_idea):
    popular = make_idea(challenge, title="Benches everywhere", support_count=40)
    both = make_idea(challenge, title="Benches along the river", support_count=1)
    found = similar_ideas(challenge, "benches river")
    assert found == [both, popular]


def test_hidden_withdrawn_and_merged_ideas_are_not_suggested(client, challenge, make_idea):
    kept = make_idea(challenge, title="Bike racks at the station")
    make_idea(challenge, title="Bike racks hidden", hidden_at=timezone.now())
    make_idea(challenge, title="Bike racks withdrawn", withdrawn_at=timezone.now())
    make_idea(challenge, title="Bike racks merged", merged_into=kept)
    html = suggest(client, challenge, "bike racks").content.decode()
    assert "at the station" in html
    assert "hidden" not in html and "withdrawn" not in html and "merged" not in html


def test_titles_are_escaped(client, challenge, make_idea):
    make_idea(challenge, title="Benches <script>alert(1)</script>")
    html = suggest(client, challenge, "benches").content.decode()
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_nothing_is_suggested_for_words_that_say_nothing(client, challenge, make_idea):
    make_idea(challenge, title="The park of the city")
    response = suggest(client, challenge, "the of a")
    assert response.status_code == 200 and response.content.decode().strip() == ""
    assert telling_words('Benches "in* the park OR') == ["benches", "park"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"title": "benches"},
        {"challenge": "x", "title": "benches"},
        {"challenge": "-1", "title": "benches"},
        {"challenge": "1"},
        {"challenge": "1", "title": "b" * 151},
        {"challenge": "1", "title": "benches", "body": "b" * 1001},
    ],
)
def test_bad_input_is_refused_with_400(client, challenge, query):
    assert client.get(URL, query).status_code == 400


def test_challenges_that_are_not_public_are_not_found(client, make_process, make_idea):
    draft = make_process("unpublished")
    make_idea(draft, title="Benches in the park")
    assert suggest(client, draft, "benches").status_code == 404
    private = make_process("submit", title="Private")
    make_idea(private, title="Benches in the park")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert suggest(client, private, "benches").status_code == 404
    assert client.get(URL, {"challenge": 999999, "title": "benches"}).status_code == 404


def test_only_get_is_answered(client, challenge):
    assert client.post(URL, {"challenge": challenge.pk, "title": "x"}).status_code == 405


def test_asking_too_often_is_refused_with_429(client, challenge, settings):
    statuses = [suggest(client, challenge, "benches").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_queries_do_not_grow_with_ideas_or_matches(client, challenge, make_idea):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert suggest(client, challenge, "benches river").status_code == 200
        return len(queries)

    make_idea(challenge, title="Benches along the river")
    count()  # warm the caches first
    before = count()
    for number in range(12):
        make_idea(
            challenge, title=f"Benches number {number}", by=UserFactory(), support_count=number
        )
    assert count() == before
    assert before <= 6  # challenge, its restrictions, site root, two searches, a spare


def test_at_most_five_are_suggested(client, challenge, make_idea):
    for number in range(SUGGESTION_LIMIT + 3):
        make_idea(challenge, title=f"Trees in street {number}")
    assert suggest(client, challenge, "trees").content.decode().count("<li>") == SUGGESTION_LIMIT


def test_the_check_step_uses_the_same_search(client, challenge, make_idea, resident, monkeypatch):
    import ideas.views

    make_idea(challenge, title="Benches in the park")
    make_idea(challenge, title="Benches withdrawn", withdrawn_at=timezone.now())
    asked = []

    def spy(challenge, text, **kwargs):
        asked.append(text)
        return similar_ideas(challenge, text, **kwargs)

    monkeypatch.setattr(ideas.views, "similar_ideas", spy)
    client.force_login(resident)
    data = {"title": "Benches by the river", "body": "Rest.", "submission_key": str(uuid.uuid4())}
    html = client.post(f"{challenge.url}new/", data).content.decode()
    assert asked == ["Benches by the river"]
    assert "Benches in the park" in html and "Benches withdrawn" not in html


def test_the_form_holds_the_live_region(client, challenge, resident):
    client.force_login(resident)
    html = client.get(f"{challenge.url}new/").content.decode()
    assert 'aria-live="polite"' in html
    assert f'data-similar-url="{URL}"' in html and f'data-challenge="{challenge.pk}"' in html
    assert "ideas/ideas.js" in html
