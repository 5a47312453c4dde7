"""With REDIS_URL set, the channel layer and the cache really go through Redis."""

import os
import uuid

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import caches

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]


def test_channel_layer_round_trip():
    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis")
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "ping", "text": "hello"})
    assert async_to_sync(layer.receive)(channel) == {"type": "ping", "text": "hello"}


def test_cache_round_trip():
    cache = caches["default"]
    key = f"settings-test-{uuid.uuid4()}"
    cache.set(key, {"answer": 42}, 30)
    assert cache.get(key) == {"answer": 42}
    # The value really is in the Redis server, not in this process.
    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert server.exists(cache.make_key(key)) == 1
    cache.delete(key)
    assert server.exists(cache.make_key(key)) == 0
