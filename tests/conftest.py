"""Fixtures shared by every test package."""

import itertools
import json

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from wagtail.models import Locale, Page, Site

from civitas.home.models import HomePage

_migrated_snapshot: dict[str, str] = {}


_rate_windows = itertools.count(1)


@pytest.fixture(autouse=True)
def one_rate_window_per_test(monkeypatch):
    """Rate limits count in fixed time windows (django-ratelimit): requests of a test that
    straddle the end of a window would see their count start again (a test of "the 11th is
    refused" then fails about once in a few thousand runs). Each test counts in a window of
    its own, which no other test shares."""
    from django_ratelimit import core

    window = next(_rate_windows)
    monkeypatch.setattr(core, "_get_window", lambda value, period: window)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in another language (a language
    cookie) leaves it active in the thread, as the locale middleware does not reset it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with a snapshot of what its migrations created (see migrated_data)."""
    with django_db_blocker.unblock():
        rows = json.loads(connection.creation.serialize_db_to_string())
    # Content types first: saving other rows fires handlers that look content types up, and a
    # lookup that finds none creates one under a new id, which the snapshot's row collides with.
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    _migrated_snapshot["default"] = json.dumps(rows)


@pytest.fixture
def migrated_data(transactional_db):
    """A transactional test starting from the data migrations created (groups, root page...).

    Django's serialized_rollback reloads that data on top of what the previous transactional
    test's flush recreated (content types and permissions with new ids), which collides on their
    unique names; here the tables are emptied first, then the snapshot is loaded.
    """
    # Sequences keep counting (as Django's own test flush does), so new rows never reuse the
    # snapshot's ids.
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(_migrated_snapshot["default"])
    ContentType.objects.clear_cache()


@pytest.fixture
def home_page(db):
    """A site whose root is a HomePage (Wagtail's placeholder page removed)."""
    root = Page.get_first_root_node()
    if root is None:  # transactional tests flush the data that migrations created
        Locale.objects.get_or_create(language_code="en")
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    for page in root.get_children():
        if page.specific_class is Page:
            Site.objects.filter(root_page=page).delete()
            page.delete()
    home = HomePage(title="Riverton", slug="home")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Riverton"},
    )
    return home
