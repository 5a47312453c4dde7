"""Fixtures for accounts tests: clean rate limits, people in each role, signing in for real."""

import re

import pytest
from django.core.cache import cache

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign, terms_accept
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def clean_rate_limits():
    """allauth counts attempts in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident(db):
    """A verified resident who accepted the terms in force."""
    user = UserFactory()
    terms_accept(user=user)
    return user


def person_with_role(role: Role, **kwargs):
    """A verified person who accepted the terms and holds `role` site-wide."""
    user = UserFactory(**kwargs)
    terms_accept(user=user)
    role_assign(user=user, role=role, by=None)
    user.refresh_from_db()
    return user


@pytest.fixture
def administrator(db):
    return person_with_role(Role.ADMINISTRATOR, display_name="Ada Admin")


@pytest.fixture
def editor(db):
    return person_with_role(Role.EDITOR, display_name="Eddie Editor")


def sign_in(client, email, password=PASSWORD, **extra):
    """Sign in through allauth's form, as a browser would; returns the response."""
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def reauthenticate(client, password=PASSWORD):
    return client.post("/accounts/reauthenticate/", {"password": password})


def link_from_mail(message) -> str:
    """The first link to this site in an e-mail body, as a path."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)
