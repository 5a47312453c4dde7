"""Settings for the test suite: fast hashing, in-memory mailbox, the test-only dummy process app."""

import os
import secrets
import tempfile

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, DATABASES, INSTALLED_APPS, REDIS_URL

DEBUG = False
SECRET_KEY = "civitas-test-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.dummy_process"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: concurrency tests need several connections to one database (WAL).
    # One file per test process, so several test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "SQLITE_TEST_PATH",
            os.path.join(tempfile.gettempdir(), f"civitas-test-{os.getpid()}.sqlite3"),
        )
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
ROOT_URLCONF = "tests.urls"

if REDIS_URL:
    # Test processes (pytest-xdist workers, runs side by side) share one Redis server: give each
    # its own key space, as the in-process cache and channel layer would, so rate-limit counters,
    # Wagtail's site cache and channel groups of one never leak into another.
    _namespace = f"civitas-test-{os.getpid()}-{secrets.token_hex(4)}"
    CACHES["default"]["KEY_PREFIX"] = _namespace
    # ...and a clear() that empties that key space only, not the whole Redis database.
    CACHES["default"]["BACKEND"] = "tests.config.redis_cache.NamespacedRedisCache"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _namespace
