"""Interactions on ideas, end to end: action x phase (with editors' switches) x idea state x
role. For every cell the rules answer, the real endpoint agrees (status code, and nothing
changes when it refuses), and the idea page offers the action exactly when it is allowed."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.interactions.models import Comment, Flag, Follow, Support
from civitas.interactions.rules import can
from civitas.participation.models import Phase
from ideas.models import Idea
from tests.factories import UserFactory

from .conftest import make_challenge

pytestmark = pytest.mark.django_db

ACTIONS = ("support", "take_back", "comment", "follow", "flag")
STATES = ("open", "withdrawn", "merged", "comments_locked", "hidden")
ROLES = ("anonymous", "resident", "author", "moderator_here", "taskforce")
# The permission each action asks, and the phase action it needs (None: any phase).
PERMISSION = {
    "support": ("interactions.add_support", "support"),
    "take_back": ("interactions.add_support", "support"),
    "comment": ("interactions.add_comment", "comment"),
    "follow": ("interactions.follow", None),
    "flag": ("interactions.flag", None),
}
# What the idea's state closes (flags stay possible: a withdrawn idea may still need a report).
CLOSED_BY_STATE = {
    "open": set(),
    "withdrawn": {"support", "take_back", "comment", "follow"},
    "merged": {"support", "take_back", "comment", "follow"},
    "comments_locked": {"comment"},
    "hidden": set(ACTIONS),
}


@dataclass(frozen=True)
class PhaseSetup:
    """The open phase: its type, the editor's switches (None: the type's defaults), and the
    phase actions it then allows."""

    phase_type: str
    enabled_actions: list | None
    allows: frozenset

    def __str__(self):
        switches = "defaults" if self.enabled_actions is None else "+".join(self.enabled_actions)
        return f"{self.phase_type}[{switches or 'nothing'}]"


PHASES = (
    PhaseSetup("submit", None, frozenset({"submit", "edit", "comment", "support"})),
    PhaseSetup("submit", ["submit", "edit"], frozenset({"submit", "edit"})),
    PhaseSetup("support", None, frozenset({"support", "comment"})),
    PhaseSetup("support", ["comment"], frozenset({"comment"})),
    PhaseSetup("review", None, frozenset({"comment"})),
    PhaseSetup("review", ["comment", "support"], frozenset({"comment", "support"})),
    PhaseSetup("result", None, frozenset()),
    PhaseSetup("result", ["comment"], frozenset({"comment"})),
)


def expected(setup: PhaseSetup, state: str, role: str, action: str) -> bool:
    if role == "anonymous" or action in CLOSED_BY_STATE[state]:
        return False
    needed = PERMISSION[action][1]
    return needed is None or needed in setup.allows


@pytest.fixture
def world(home_page, role_user, settings):
    """One challenge in the given phase, an idea in every state and a person in every role."""
    settings.CIVITAS_SUBMISSION_RATE = "1000/m"

    def build(setup: PhaseSetup):
        earlier = [] if setup.phase_type == "submit" else [("submit", -20, -10)]
        challenge = make_challenge(home_page, phases=[*earlier, (setup.phase_type, -1, 5)])
        Phase.objects.filter(page=challenge, phase_type=f"ideas.{setup.phase_type}").update(
            enabled_actions=setup.enabled_actions
        )
        assert challenge.active_phase().allowed_actions == setup.allows  # the table is right
        author = UserFactory(display_name="Noor")
        now = timezone.now()
        ideas = {}
        for state in STATES:
            ideas[state] = Idea.objects.create(
                process=challenge, author=author, title=f"Idea {state}", body="Shade."
            )
        Idea.objects.filter(pk=ideas["withdrawn"].pk).update(withdrawn_at=now)
        Idea.objects.filter(pk=ideas["merged"].pk).update(merged_into=ideas["open"])
        Idea.objects.filter(pk=ideas["comments_locked"].pk).update(comments_locked_at=now)
        Idea.objects.filter(pk=ideas["hidden"].pk).update(hidden_at=now, hidden_reason="Spam")
        ideas = {state: Idea.objects.get(pk=idea.pk) for state, idea in ideas.items()}
        people = {
            "anonymous": AnonymousUser(),
            "resident": UserFactory(display_name="Ravi"),
            "author": author,
            "moderator_here": role_user(Role.MODERATOR, challenge, name="Mo"),
            "taskforce": role_user(Role.TASKFORCE, name="Tess"),
        }
        return challenge, ideas, people

    return build


def csrf_client(user) -> Client:
    """A client that checks CSRF tokens, holding a valid one (so the permission answers)."""
    client = Client(enforce_csrf_checks=True)
    if user.is_authenticated:
        client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32
    return client


def rows(action: str, idea: Idea) -> int:
    """How many rows of the action's kind the idea has."""
    model = {"support": Support, "take_back": Support, "comment": Comment}.get(action)
    return (model or {"follow": Follow, "flag": Flag}[action]).objects.for_object(idea).count()


def post(client, action: str, idea: Idea):
    name = {"take_back": "support"}.get(action, action)
    url = reverse(f"interactions:{name}", args=["ideas.idea", idea.pk])
    data = {"csrfmiddlewaretoken": "a" * 32, "next": "/somewhere/"}
    data |= {
        "take_back": {"action": "remove"},
        "comment": {"body": "I agree with this."},
        "flag": {"reason": "spam"},
    }.get(action, {})
    return client.post(url, data)


def endpoint_mismatch(client, setup, state, role, action, idea, user) -> str | None:
    """Post the action in a savepoint that is rolled back; describe any disagreement."""
    allowed = expected(setup, state, role, action)
    with transaction.atomic():
        if action == "take_back" and user.is_authenticated:
            Support.objects.create(target_type=type_of(idea), target_id=idea.pk, user=user)
        before = rows(action, idea)
        response = post(client, action, idea)
        after = rows(action, idea)
        transaction.set_rollback(True)
    status = response.status_code
    change = {"take_back": -1}.get(action, 1) if allowed else 0
    if role == "anonymous":
        ok = status == 302 and response.url.startswith(reverse("account_login"))
    elif allowed:
        ok = status in (200, 302) and response.url.startswith("/somewhere/")
    else:
        ok = status in (403, 404, 409)
    if not ok or after - before != change:
        return f"{setup} {state} {role} {action}: {status}, rows {before}->{after}"
    return None


def type_of(idea):
    return ContentType.objects.get_for_model(idea)


PAGE_MARKERS = {
    "support": "/support/",
    "comment": "/comments/",
    "follow": "/follow/",
    "flag": "/flag/",
}


def page_mismatches(client, setup, state, role, idea) -> list[str]:
    """The idea page offers a form or link for exactly the allowed actions."""
    response = client.get(f"{idea.process.url}{idea.pk}/")
    if state == "hidden":
        return [] if response.status_code == 404 else [f"{setup} hidden {role}: page shown"]
    html = response.content.decode()
    found = []
    for action, marker in PAGE_MARKERS.items():
        offered = f"/i/ideas.idea/{idea.pk}{marker}" in html
        if offered != expected(setup, state, role, action):
            found.append(f"{setup} {state} {role} page offers {action}: {offered}")
    return found


@pytest.mark.parametrize("setup", PHASES, ids=str)
def test_rules_endpoints_and_page_agree(world, setup):
    challenge, ideas, people = world(setup)
    mismatches = []
    for role in ROLES:
        user = people[role]
        client = csrf_client(user)
        for state in STATES:
            idea = ideas[state]
            for action in ACTIONS:
                allowed = can(PERMISSION[action][0], user, idea)
                if allowed != expected(setup, state, role, action):
                    mismatches.append(f"{setup} {state} {role} {action}: rules say {allowed}")
                found = endpoint_mismatch(client, setup, state, role, action, idea, user)
                if found:
                    mismatches.append(found)
            if role != "anonymous":
                mismatches.extend(page_mismatches(client, setup, state, role, idea))
    assert mismatches == []
