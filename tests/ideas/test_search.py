"""List search runs in the database (FTS5 on SQLite, a GIN index on PostgreSQL)."""

import pytest

from ideas import search
from ideas.models import Idea

pytestmark = pytest.mark.django_db


def found(query, **options) -> set[str]:
    return set(
        search.matching(Idea.objects.all(), query, **options).values_list("title", flat=True)
    )


def test_every_word_is_matched_as_a_prefix_in_title_or_description(challenge, make_idea):
    make_idea(challenge, title="More benches by the river")
    make_idea(challenge, title="Bike lanes", body="Protected lanes along the river.")
    make_idea(challenge, title="Trees on the square")
    assert found("river") == {"More benches by the river", "Bike lanes"}
    assert found("bench RIVER") == {"More benches by the river"}
    assert found("lanes protect") == {"Bike lanes"}
    assert found("river trees") == set()
    assert found("river trees", every_word=False) == {
        "More benches by the river",
        "Bike lanes",
        "Trees on the square",
    }


def test_accents_and_other_scripts_are_found(challenge, make_idea):
    make_idea(challenge, title="Café au parc", body="Un kiosque près du lac.")
    make_idea(challenge, title="حديقة جديدة", body="مقاعد وأشجار")
    assert found("café") == {"Café au parc"}
    assert found("حديقة") == {"حديقة جديدة"}


@pytest.mark.parametrize(
    "query",
    ['"', "*", "river OR", "NEAR(a b)", "a:*", "x & | !", "'; DROP TABLE ideas_idea; --", "(("],
)
def test_search_syntax_in_the_words_is_plain_text(challenge, make_idea, query):
    make_idea(challenge, title="More benches by the river")
    search.matching(Idea.objects.all(), query).count()  # no database error
    assert Idea.objects.count() == 1


def test_no_words_find_nothing(challenge, make_idea):
    make_idea(challenge)
    assert found("  ... !!") == set()


def test_edited_and_deleted_ideas_are_found_by_their_current_text(challenge, make_idea):
    idea = make_idea(challenge, title="Fountain in the park")
    idea.title = "Playground in the park"
    idea.save(update_fields=["title"])
    assert found("fountain") == set()
    assert found("playground") == {"Playground in the park"}
    idea.delete()
    assert found("playground") == set()
