"""Settings of the ballot benchmark's servers: the production settings (debug off, HTTPS behind
a proxy: the load generator sends X-Forwarded-Proto as the proxy does), with plain static file
storage so no collectstatic run is needed, and optionally a PostgreSQL connection pool.

The benchmark sets SECRET_KEY (one per run, shared by the seeding process and the servers) and
ALLOWED_HOSTS before the settings load. `BENCH_DB_POOL=N` keeps up to N pooled connections per
server process (Django's psycopg pool) instead of opening one per request.
"""

import os

from config.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

_pool = int(os.environ.get("BENCH_DB_POOL", "0"))
if _pool and DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (the pool keeps them instead)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 2,
        "max_size": _pool,
        "timeout": 30,
    }
