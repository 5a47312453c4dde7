"""With REDIS_URL set, the channel layer and the cache really go through Redis."""

import asyncio
import os
import threading
import uuid

import pytest
import redis
from channels.layers import get_channel_layer
from django.core.cache import caches

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]


def run_in_own_loop(coroutine, timeout=60):
    """The result of `coroutine` run by asyncio.run in a thread of its own (the test's thread
    may already run an event loop: browser tests); fails after `timeout` seconds instead of
    waiting for ever on a layer that never answers."""
    outcome = {}

    def target():
        try:
            outcome["result"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the event loop did not finish within {timeout} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def test_channel_layer_round_trip():
    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis")

    async def round_trip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "ping", "text": "hello"})
        return await asyncio.wait_for(layer.receive(channel), timeout=10)

    assert run_in_own_loop(round_trip()) == {"type": "ping", "text": "hello"}


def test_an_idle_channel_outlives_the_layers_blocking_pop():
    """A consumer waits longer than one blocking pop without the socket read timing out."""
    layer = get_channel_layer()
    (host,) = layer.hosts
    assert host["socket_timeout"] > layer.brpop_timeout

    async def wait_then_send():
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        await layer.send(channel, {"type": "ping", "text": "late"})
        return await asyncio.wait_for(waiting, timeout=10)

    assert run_in_own_loop(wait_then_send())["text"] == "late"


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


def test_clearing_the_cache_leaves_other_processes_keys_alone():
    cache = caches["default"]
    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    other = f"another-test-process:1:{uuid.uuid4()}"
    server.set(other, b"theirs", ex=60)
    cache.set("mine", 1, 30)
    cache.clear()
    assert cache.get("mine") is None
    assert server.get(other) == b"theirs"
    server.delete(other)
