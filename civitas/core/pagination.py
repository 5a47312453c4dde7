"""Pagination of long public lists."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

LARGE_LIST = 1_000  # lists at least this long keep their count for a while
COUNT_SECONDS = 60


class LargeListPaginator(Paginator):
    """A paginator of a queryset whose count, once it reaches LARGE_LIST, is kept in the cache
    for COUNT_SECONDS under the count query's SQL and parameters.

    Counting tens of thousands of listed rows is the costliest query of a city-wide list page
    (8 ms on PostgreSQL, 30 ms on SQLite for 50,000 ideas); a count up to a minute old on a list
    that long only shifts where the last page ends, and short lists are always counted afresh.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        # The rows counted, whatever their order (a shuffled list's seed changes no count).
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a filter no row can match (pk__in=[]): nothing to count
            return 0
        vendor = connections[queryset.db].vendor
        digest = hashlib.sha256(repr((vendor, sql, params)).encode()).hexdigest()
        key = f"list-count:{digest}"
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            if count >= LARGE_LIST:
                cache.set(key, count, COUNT_SECONDS)
        return count
