"""Permission matrix of the ideas app: roles x phase states x actions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from civitas.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATES = ["submit", "support", "review", "result", "no_phase", "unpublished"]
ROLES = [
    "anonymous",
    "unverified",
    "no_consent",
    "resident",
    "author",
    "moderator_here",
    "moderator_elsewhere",
    "taskforce",
    "administrator",
    "editor",
]

# Which (role, state) pairs may do each action; everything not listed is refused.
PARTICIPANTS = {"resident", "author", "moderator_here", "moderator_elsewhere", "taskforce"}
PARTICIPANTS |= {"administrator", "editor"}
EXPECTED = {
    "ideas.add_idea": {(role, "submit") for role in PARTICIPANTS},
    "ideas.change_idea": {("author", "submit")},
    "ideas.withdraw_idea": {("author", "submit")},
    "ideas.set_status": {
        (role, state)
        for role in ("moderator_here", "taskforce", "administrator")
        for state in STATES
    },
    "ideas.moderate_idea": {
        (role, state) for role in ("moderator_here", "administrator") for state in STATES
    },
    "ideas.export_ideas": {
        (role, state)
        for role in ("moderator_here", "taskforce", "administrator")
        for state in STATES
    },
}
# Permissions asked of the challenge rather than of an idea.
ON_CHALLENGE = {"ideas.add_idea", "ideas.export_ideas"}


@pytest.fixture
def person(make_process, role_user, author):
    def make(role, challenge):
        if role == "anonymous":
            return AnonymousUser()
        if role == "unverified":
            return UserFactory(verified=False)
        if role == "no_consent":
            return UserFactory(consented=False)
        if role == "resident":
            return UserFactory()
        if role == "author":
            return author
        if role == "moderator_here":
            return role_user(Role.MODERATOR, challenge)
        if role == "moderator_elsewhere":
            return role_user(Role.MODERATOR, make_process("submit", title="Elsewhere"))
        return role_user(Role(role))

    return make


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(make_process, make_idea, person, role, state):
    challenge = make_process(state)
    idea = make_idea(challenge)
    user = person(role, challenge)
    for perm, allowed in EXPECTED.items():
        target = challenge if perm in ON_CHALLENGE else idea
        assert user.has_perm(perm, target) == ((role, state) in allowed), (perm, role, state)


@pytest.mark.parametrize("change", [{"hidden_at": "now"}, {"withdrawn_at": "now"}])
def test_hidden_or_withdrawn_ideas_are_not_editable(make_idea, challenge, author, change):
    idea = make_idea(challenge, **{key: timezone.now() for key in change})
    assert not author.has_perm("ideas.change_idea", idea)
    assert not author.has_perm("ideas.withdraw_idea", idea)
