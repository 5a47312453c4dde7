"""Real-browser journeys in headless Chromium, skipped with the reason when it cannot run here.

The live server runs in this process, in a thread: the browser talks to it over HTTP while the
test reads the locmem mailbox and the database directly.
"""

import importlib.util
import os
import shutil

import pytest

from tests.site.catalogues import ensure_compiled

from .helpers import BrowserProblems

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A mid-range phone: the people we most need to serve use one.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "has_touch": True}


def chromium_path() -> str | None:
    """CIVITAS_CHROMIUM if set, else a chromium on PATH."""
    configured = os.environ.get("CIVITAS_CHROMIUM")
    if configured:
        return shutil.which(configured) or (configured if os.path.exists(configured) else None)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def why_not_runnable() -> str:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    if importlib.util.find_spec("axe_playwright_python") is None:
        return "axe-playwright-python is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return "no Chromium found: install Debian's 'chromium' package or set CIVITAS_CHROMIUM"
    return ""


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test.

    Playwright's sync API runs an event loop in this thread for as long as it is open, so it is
    closed after each test: tests that follow in this process may use async_to_sync.
    """
    reason = why_not_runnable()
    if reason:
        pytest.skip(reason)
    # While the loop runs, Django refuses the ORM calls the test makes between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
        # Code inside Playwright runs in a greenlet with its own context variables, and so with
        # its own Django connections: close them, or PostgreSQL refuses to drop the test database.
        connections.close_all()


@pytest.fixture(autouse=True)
def _starts_from_migrated_data(migrated_data):
    """Every journey starts from the database as its migrations left it."""


@pytest.fixture(autouse=True)
def _needs_browser():
    # Every test here needs the browser: without one the whole package skips, with the reason.
    reason = why_not_runnable()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def translations():
    """Compiled catalogues for tests that read translated pages; skip with the reason if none."""
    reason = ensure_compiled()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def context(browser, live_server):
    """A fresh phone-sized browser context (no cache, no cookies)."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails the test on script errors and Content Security Policy violations."""
    page = context.new_page()
    problems = BrowserProblems(page)
    yield page
    problems.check()
