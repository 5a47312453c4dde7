"""Fixtures shared by every test package."""

import pytest
from wagtail.models import Locale, Page, Site

from civitas.home.models import HomePage


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
