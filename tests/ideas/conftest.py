"""Fixtures for ideas: challenges in any phase state, ideas and people in roles."""

import pytest
from django.core.cache import cache

from civitas.accounts.services import role_assign
from ideas import signals
from ideas.models import Idea, IdeaChallengePage, IdeasIndexPage
from tests.factories import UserFactory, add_process

PHASE_STATES = {
    "submit": {"phases": [("submit", -1, 5)]},
    "support": {"phases": [("submit", -5, -1), ("support", -1, 5)]},
    "review": {"phases": [("support", -5, -1), ("review", -1, 5)]},
    "result": {"phases": [("review", -5, -1), ("result", -1, 5)]},
    "no_phase": {"phases": [("submit", -10, -5)]},
    "unpublished": {"phases": [("submit", -1, 5)], "live": False},
}


def make_challenge(parent, *, title="Safer streets", phases=(("submit", -1, 5),), live=True):
    """An IdeaChallengePage under `parent` with phases given as (name, start_days, end_days)."""
    return add_process(
        parent,
        IdeaChallengePage(title=title, live=live),
        [(f"ideas.{name}", start, end) for name, start, end in phases],
    )


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; user ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_process(home_page):
    def make(state="submit", title="Safer streets"):
        return make_challenge(home_page, title=title, **PHASE_STATES[state])

    return make


@pytest.fixture
def challenge(make_process):
    return make_process("submit")


@pytest.fixture
def author(db):
    return UserFactory(display_name="Noor")


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Ravi")


@pytest.fixture
def index_page(home_page):
    """The city-wide list of ideas."""
    page = IdeasIndexPage(title="All ideas")
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def make_idea(author):
    def make(challenge, *, by=None, title="More benches by the river", body="Shade too.", **fields):
        return Idea.objects.create(
            process=challenge, author=by or author, title=title, body=body, **fields
        )

    return make


@pytest.fixture
def idea(make_idea, challenge):
    return make_idea(challenge)


@pytest.fixture
def facilitator(db):
    return UserFactory(display_name="Fay")


@pytest.fixture
def role_user(db):
    """A person holding `role` site-wide, or for `scope`."""

    def make(role, scope=None, name="Staff"):
        user = UserFactory(display_name=name)
        role_assign(user=user, role=role, scope=scope, by=None)
        return user

    return make


EVENTS = (
    signals.idea_submitted,
    signals.idea_edited,
    signals.idea_withdrawn,
    signals.idea_status_changed,
    signals.idea_supported,
    signals.idea_merged,
    signals.idea_hidden,
)


@pytest.fixture
def heard():
    """Every domain event of the app that was sent, as (event name, kwargs)."""
    events = []
    receivers = {}
    for event in EVENTS:

        def receiver(sender, event=event, **kwargs):
            kwargs.pop("signal", None)
            events.append((event.name, kwargs))

        receivers[event] = receiver
        event.connect(receiver)
    yield events
    for event, receiver in receivers.items():
        event.disconnect(receiver)
