"""Settings are chosen by environment variables; each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# Variables the settings read; every case starts without them so the machine's own don't leak in.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "SQLITE_PATH",
    "REDIS_URL",
    "TASKS_BACKEND",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    # Set by browser tests in the test process; `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
GOOD_KEY = "x7-Tq2v9-pLk3mWz8RbYc4nH6sJd1fGa5eUo0iKy-ZxC3vBn7mQw2eRt9yUi4oPa"

SNAPSHOT = """
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
names = sys.argv[2:]
print(json.dumps({name: getattr(module, name, None) for name in names}, default=str))
"""


def run_settings(module: str, env: dict, *names: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", SNAPSHOT, module, *names],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(module: str, env: dict, *names: str) -> dict:
    result = run_settings(module, env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION = "config.settings.production"
BASE = "config.settings.base"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "civitas.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        (
            {
                "SECRET_KEY": "civitas-insecure-development-key-change-me",
                "ALLOWED_HOSTS": "civitas.example.org",
            },
            "SECRET_KEY",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env, missing):
    result = run_settings(PRODUCTION, env, "DEBUG")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_starts_with_secret_key_and_allowed_hosts():
    values = load(
        PRODUCTION,
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "civitas.example.org, www.civitas.example.org"},
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "CIVITAS_REQUIRE_MFA_FOR_STAFF",
        "WAGTAILADMIN_BASE_URL",
    )
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == GOOD_KEY
    assert values["ALLOWED_HOSTS"] == ["civitas.example.org", "www.civitas.example.org"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["CIVITAS_REQUIRE_MFA_FOR_STAFF"] is True
    # Links in e-mails point at the public site, not at localhost.
    assert values["WAGTAILADMIN_BASE_URL"] == "https://civitas.example.org"


def test_production_deploy_check_reports_no_issue(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "civitas.example.org",
            "SQLITE_PATH": str(tmp_path / "deploy-check.sqlite3"),
        }
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_in_wal_mode_without_database_url(tmp_path):
    path = str(tmp_path / "civitas.sqlite3")
    databases = load(BASE, {"SQLITE_PATH": path}, "DATABASES")["DATABASES"]
    default = databases["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == path
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert default["OPTIONS"]["timeout"] >= 5


def test_postgresql_with_database_url():
    url = "postgres://city:secret@db.internal:5433/civitas"
    default = load(BASE, {"DATABASE_URL": url}, "DATABASES")["DATABASES"]["default"]
    assert default["ENGINE"] == "django.db.backends.postgresql"
    assert (default["NAME"], default["USER"], default["HOST"], default["PORT"]) == (
        "civitas",
        "city",
        "db.internal",
        5433,
    )
    # Served through ASGI, connections are closed after each request unless asked otherwise.
    assert default["CONN_MAX_AGE"] == 0
    kept = load(BASE, {"DATABASE_URL": url, "DB_CONN_MAX_AGE": "120"}, "DATABASES")
    assert kept["DATABASES"]["default"]["CONN_MAX_AGE"] == 120


def test_redis_url_switches_channel_layer_and_cache_to_redis():
    url = "redis://cache.internal:6379/2"
    with_redis = load(BASE, {"REDIS_URL": url}, "CHANNEL_LAYERS", "CACHES")
    layer = with_redis["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert [host["address"] for host in layer["CONFIG"]["hosts"]] == [url]
    cache = with_redis["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == url

    without = load(BASE, {}, "CHANNEL_LAYERS", "CACHES")
    assert without["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert without["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_tasks_backend_setting():
    database = load(BASE, {"TASKS_BACKEND": "database"}, "TASKS")["TASKS"]["default"]
    assert database["BACKEND"] == "django_tasks_db.DatabaseBackend"
    immediate = load(BASE, {}, "TASKS")["TASKS"]["default"]
    assert immediate["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_email_host_switches_to_smtp():
    values = load(
        BASE,
        {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525"},
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_USE_TLS": True,
    }
    assert load(BASE, {}, "EMAIL_BACKEND")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.django_db
def test_sqlite_connection_really_uses_wal_and_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas (the suite runs on %s)" % connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
