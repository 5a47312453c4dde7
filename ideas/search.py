"""Full-text search of ideas' title and description, in the database itself.

PostgreSQL matches a ``to_tsvector('simple', ...)`` expression covered by a GIN index; SQLite
matches an FTS5 table kept by triggers (both made by migration 0006_idea_search). Words are
matched as prefixes, all of them by default. Other databases fall back to Wagtail's search
backend. Wagtail's index still serves the site-wide search.
"""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from wagtail.search.backends import get_search_backend

from civitas.core.search import plain_words

# The expression of the PostgreSQL index idea_search_document; queries must repeat it exactly.
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, COALESCE(\"ideas_idea\".\"title\", '') || ' ' || "
    'COALESCE("ideas_idea"."body", \'\'))'
)
PG_MATCH = PG_DOCUMENT + " @@ to_tsquery('simple'::regconfig, %s)"
SQLITE_MATCH = "SELECT rowid FROM ideas_idea_fts WHERE ideas_idea_fts MATCH %s"
# Words beyond this many add little and make the query slower.
MAX_WORDS = 8


def words_of(query: str) -> list[str]:
    """The words of `query` (letters and digits only, so no search syntax gets through)."""
    return plain_words((query or "").lower(), MAX_WORDS)


def matching(ideas, query: str, *, every_word: bool = True):
    """`ideas` narrowed to those whose title or description contain the words of `query`
    (as word prefixes; all of them, or any with ``every_word=False``); none for no words."""
    words = words_of(query)
    if not words:
        return ideas.none()
    vendor = connection.vendor
    if vendor == "postgresql":
        joiner = " & " if every_word else " | "
        tsquery = joiner.join(f"{word}:*" for word in words)
        # Constant SQL; the words only travel as a parameter.
        found = RawSQL(PG_MATCH, [tsquery], output_field=BooleanField())  # noqa: S611
        return ideas.alias(found=found).filter(found=True)
    if vendor == "sqlite":
        joiner = " AND " if every_word else " OR "
        match = joiner.join(f'"{word}"*' for word in words)
        rows = RawSQL(SQLITE_MATCH, [match])  # noqa: S611 (constant SQL, words as a parameter)
        return ideas.filter(pk__in=rows)
    operator = "and" if every_word else "or"
    found = get_search_backend().search(" ".join(words), ideas, operator=operator)
    return ideas.filter(pk__in=[idea.pk for idea in found])
