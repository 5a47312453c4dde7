"""Full-text search of ideas in the database (see ideas/search.py).

On SQLite the FTS5 table is kept by triggers on ideas_idea. A later migration that makes
SQLite rebuild that table (Django does so for some field changes) drops the triggers: it must
run ``create_search`` again (tests/ideas/test_search.py fails if it does not).
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS ideas_idea_fts USING fts5(title, body, "
    "content='ideas_idea', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_insert AFTER INSERT ON ideas_idea BEGIN "
    "INSERT INTO ideas_idea_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_delete AFTER DELETE ON ideas_idea BEGIN "
    "INSERT INTO ideas_idea_fts(ideas_idea_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS ideas_idea_fts_update AFTER UPDATE OF title, body "
    "ON ideas_idea BEGIN "
    "INSERT INTO ideas_idea_fts(ideas_idea_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO ideas_idea_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO ideas_idea_fts(ideas_idea_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ideas_idea_fts_insert",
    "DROP TRIGGER IF EXISTS ideas_idea_fts_delete",
    "DROP TRIGGER IF EXISTS ideas_idea_fts_update",
    "DROP TABLE IF EXISTS ideas_idea_fts",
]
POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS idea_search_document ON ideas_idea USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(\"ideas_idea\".\"title\", '') || ' ' || "
    "COALESCE(\"ideas_idea\".\"body\", '')))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS idea_search_document"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


create_search = run({"sqlite": SQLITE, "postgresql": POSTGRESQL})
drop_search = run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_stored_counts")]

    operations = [migrations.RunPython(create_search, drop_search)]
