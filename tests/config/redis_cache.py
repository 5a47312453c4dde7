"""A Redis cache for the test suite whose clear() empties only its own key space.

Django's RedisCache.clear() flushes the whole Redis database. Test processes (pytest-xdist
workers) share one Redis server, and tests clear the cache to reset rate-limit counters, so one
worker's clear() would wipe another's counters half-way through a test.
"""

from django.core.cache.backends.redis import RedisCache


class NamespacedRedisCache(RedisCache):
    def clear(self):
        client = self._cache.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True
