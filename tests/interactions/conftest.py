"""Fixtures for interactions: a dummy process in any phase state, notes and people in roles."""

import pytest
from django.core.cache import cache

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from tests.dummy_process.models import Note
from tests.factories import UserFactory, make_dummy_process

PHASE_STATES = {
    "collect": {"phases": [("collect", -1, 5)]},
    "review": {"phases": [("collect", -5, -1), ("review", -1, 5)]},
    "no_phase": {"phases": [("collect", -10, -5)]},
    "unpublished": {"phases": [("collect", -1, 5)], "live": False},
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; user ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_process(home_page):
    def make(state="collect", title="Parks for people"):
        return make_dummy_process(home_page, title=title, **PHASE_STATES[state])

    return make


@pytest.fixture
def process(make_process):
    return make_process("collect")


@pytest.fixture
def author(db):
    return UserFactory(display_name="Noor")


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Ravi")


@pytest.fixture
def make_note(author):
    def make(process, *, by=None, text="More benches by the river"):
        return Note.objects.create(process=process, author=by or author, text=text)

    return make


@pytest.fixture
def note(make_note, process):
    return make_note(process)


@pytest.fixture
def moderator(process):
    """A moderator of `process` only."""
    user = UserFactory(display_name="Mo")
    role_assign(user=user, role=Role.MODERATOR, scope=process, by=None)
    return user


@pytest.fixture
def site_moderator(db):
    user = UserFactory(display_name="Sam")
    role_assign(user=user, role=Role.MODERATOR, by=None)
    return user


@pytest.fixture
def administrator(db):
    user = UserFactory(display_name="Ada")
    role_assign(user=user, role=Role.ADMINISTRATOR, by=None)
    return user


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (domain events, e-mails, live pushes) inside test transactions."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def events():
    """Record domain events sent while the test runs: events(signal) -> list of kwargs."""
    received = {}
    connected = []

    def listen(signal):
        calls = received.setdefault(signal.name, [])

        def receiver(sender, **kwargs):
            calls.append(kwargs)

        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
        return calls

    yield listen
    for signal, receiver in connected:
        signal.disconnect(receiver)
