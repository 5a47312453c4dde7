"""Settings of the ballot benchmark's servers: the production settings (debug off, HTTPS behind
a proxy: the load generator sends X-Forwarded-Proto as the proxy does), with plain static file
storage so no collectstatic run is needed, and optionally a PostgreSQL connection pool.

The benchmark sets SECRET_KEY (one per run, shared by the seeding process and the servers) and
ALLOWED_HOSTS before the settings load; the pool comes from the production setting
DB_POOL_MAX_SIZE.
"""

from config.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
