"""Fixtures for the site-wide template, theme and language tests."""

import pytest
from django.conf import settings
from django.utils import translation

from civitas.core.models import CitySettings

from .catalogues import ensure_compiled


@pytest.fixture
def city(home_page):
    """The default site's CitySettings, created with the home page."""
    return CitySettings.for_site(home_page.get_site())


@pytest.fixture
def compiled_catalogues():
    """Skip the test, with the reason, when translations cannot be compiled here."""
    reason = ensure_compiled()
    if reason:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def default_language():
    """Requests in another language leave it active in this thread; later tests expect English
    (page titles are stored in the active language's field)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
