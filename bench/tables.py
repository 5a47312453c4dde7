"""Database upkeep shared by the page benchmarks."""

from django.db import connection


def tidy_tables() -> None:
    """Vacuum and analyse as autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) would have
    done for a database that grew over months: fresh statistics for the planner, and (on
    PostgreSQL) visibility maps so counts read the partial indexes alone, not the rows."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
