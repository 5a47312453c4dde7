"""Settings of the live-board benchmark: the development settings with debugging off (as in
production: no query log, no debug pages), and optionally the Redis publish/subscribe channel
layer (BENCH_CHANNEL_LAYER=pubsub) instead of the project's Redis layer, to compare them."""

import os

from bench.settings import *  # noqa: F403
from bench.settings import REDIS_URL

if os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub":
    if not REDIS_URL:
        raise SystemExit("BENCH_CHANNEL_LAYER=pubsub needs REDIS_URL.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "civitas-bench"},
        }
    }
