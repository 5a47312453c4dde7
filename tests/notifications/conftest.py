"""Fixtures for notifications: people in several languages and on-commit execution."""

import os
import uuid

import pytest

from config.settings.base import redis_channel_layer
from tests.factories import UserFactory

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a real connection failure


def redis_layer(url):
    # A prefix per test run, so runs sharing one Redis never hear each other.
    return redis_channel_layer(url, prefix=f"civitas-test-{uuid.uuid4().hex[:8]}")


MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(params=["memory", "redis"])
def channel_layer_settings(request, settings):
    """Run a test on the in-memory layer and, when REDIS_URL is set, on Redis."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: the Redis channel layer variant needs a server")
        settings.CHANNEL_LAYERS = redis_layer(url)
    else:
        settings.CHANNEL_LAYERS = MEMORY_LAYER
    return request.param


@pytest.fixture
def dead_channel_layer(settings):
    settings.CHANNEL_LAYERS = redis_layer(DEAD_REDIS)


@pytest.fixture
def person(db):
    return UserFactory(display_name="Lea")


@pytest.fixture
def french_person(db):
    return UserFactory(display_name="Amélie", preferred_language="fr")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
