"""Phases of one process never overlap: an exclusion constraint where the database has one.

PostgreSQL enforces it with a deferrable GiST exclusion constraint (checked at commit, so an
editor can shift several phases in one save). SQLite has no deferrable equivalent; there the
rule is enforced by validate_phases() in the page form and in the services, inside the same
transaction as the write.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE participation_phase ADD CONSTRAINT phase_no_overlap_in_process
    EXCLUDE USING gist (page_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    DEFERRABLE INITIALLY DEFERRED
    """,
]
PG_BACKWARD = ["ALTER TABLE participation_phase DROP CONSTRAINT phase_no_overlap_in_process"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
