"""Migration 0008 (statuses as rows) goes back and forth with ideas in the database."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ideas import search
from ideas.models import HistoryKind, Idea, IdeaHistoryEntry, IdeaStatus

BEFORE = [("ideas", "0007_idea_image")]


def migrate(target=None):
    """Migrate the test database to `target`, or forward to the latest migrations (the tests
    that run after this one in the same database need every later migration too)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_back_and_forth_keeps_ideas_their_codes_and_search(migrated_data, challenge, make_idea):
    IdeaStatus.objects.create(code="pilot", label="Pilot", meaning="accepted", sort_order=1)
    tried = make_idea(challenge, title="Tried bike racks", status_id="pilot")
    plain = make_idea(challenge, title="Quiet benches", status_id="in_progress")
    IdeaHistoryEntry.objects.create(idea=tried, kind=HistoryKind.STATUS, status_id="pilot")
    IdeaHistoryEntry.objects.create(idea=tried, kind=HistoryKind.EDITED)
    try:
        migrate(BEFORE)
        # Back: the added status becomes the first default of its meaning; history as it was.
        assert rows("SELECT id, status FROM ideas_idea ORDER BY id") == [
            (tried.pk, "accepted"),
            (plain.pk, "in_progress"),
        ]
        assert rows("SELECT kind, status FROM ideas_ideahistoryentry ORDER BY id") == [
            ("status", "accepted"),
            ("edited", ""),
        ]
        assert "ideas_ideastatus" not in connection.introspection.table_names()
    finally:
        migrate()
    assert [s.code for s in IdeaStatus.objects.all()] == [
        "submitted",
        "under_review",
        "accepted",
        "in_progress",
        "implemented",
        "not_pursued",
    ]
    assert dict(Idea.objects.values_list("title", "status__meaning")) == {
        "Tried bike racks": "accepted",
        "Quiet benches": "in_progress",
    }
    assert list(IdeaHistoryEntry.objects.values_list("status", flat=True)) == ["accepted", None]
    # SQLite rebuilt the table both ways: the search triggers were made again.
    make_idea(challenge, title="Fountain in the square")
    assert [i.title for i in search.matching(Idea.objects.all(), "fountain")] == [
        "Fountain in the square"
    ]
    assert [i.title for i in search.matching(Idea.objects.all(), "benches")] == ["Quiet benches"]
