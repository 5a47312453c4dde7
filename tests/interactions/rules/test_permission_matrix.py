"""Roles x phase states x actions: the rules, the panel and the endpoints agree."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from civitas.interactions.models import Comment, Flag, Follow, Support
from civitas.interactions.rules import can, denial
from tests.dummy_process.models import Note
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "unverified",
    "no_consent",
    "resident",
    "author",
    "process_moderator",
    "site_moderator",
    "administrator",
)
STATES = ("collect", "review", "no_phase", "unpublished")
ACTIONS = ("add_comment", "add_support", "follow", "flag", "moderate")
MODERATORS = {"process_moderator", "site_moderator", "administrator"}


def expected(role, state, action) -> bool:
    if action == "moderate":
        return role in MODERATORS
    if role in ("anonymous", "unverified", "no_consent") or state == "unpublished":
        return False
    if action == "add_comment":
        return state in ("collect", "review")
    if action == "add_support":
        return state == "collect"
    return True  # follow and flag: any phase of a public process


def person(role, process, note):
    if role == "anonymous":
        return AnonymousUser()
    if role == "author":
        return note.author
    user = UserFactory(verified=role != "unverified", consented=role != "no_consent")
    if role == "process_moderator":
        role_assign(user=user, role=Role.MODERATOR, scope=process, by=None)
    elif role == "site_moderator":
        role_assign(user=user, role=Role.MODERATOR, by=None)
    elif role == "administrator":
        role_assign(user=user, role=Role.ADMINISTRATOR, by=None)
    return user


@pytest.fixture
def world(make_process, author):
    def build(role, state):
        process = make_process(state)
        note = Note.objects.create(process=process, author=author, text="A bench")
        return process, note, person(role, process, note)

    return build


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_rules(world, role, state):
    _process, note, user = world(role, state)
    for action in ACTIONS:
        allowed = can(f"interactions.{action}", user, note)
        assert allowed is expected(role, state, action), (role, state, action)
        refusal = denial(f"interactions.{action}", user, note)
        assert (refusal is None) is allowed, (role, state, action, refusal)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_endpoints(client, world, role, state):
    """Anonymous people are sent to sign in; others get 403 or the action done."""
    _process, note, user = world(role, state)
    if role != "anonymous":
        client.force_login(user)
    endpoints = {
        "add_support": (reverse("interactions:support", args=["dummy_process.note", note.pk]), {}),
        "add_comment": (
            reverse("interactions:comment", args=["dummy_process.note", note.pk]),
            {"body": "Hello"},
        ),
        "follow": (reverse("interactions:follow", args=["dummy_process.note", note.pk]), {}),
        "flag": (
            reverse("interactions:flag", args=["dummy_process.note", note.pk]),
            {"reason": "spam"},
        ),
    }
    for action, (url, data) in endpoints.items():
        response = client.post(url, {**data, "next": "/somewhere/"})
        if role == "anonymous":
            assert response.status_code == 302
            assert response.url.startswith(reverse("account_login"))
        elif expected(role, state, action):
            assert response.status_code == 302, (role, state, action, response.status_code)
            assert response.url.startswith("/somewhere/")
        else:
            assert response.status_code == 403, (role, state, action, response.status_code)
    done = {
        "add_support": Support.objects.exists(),
        "add_comment": Comment.objects.exists(),
        "follow": Follow.objects.exists(),
        "flag": Flag.objects.exists(),
    }
    for action, happened in done.items():
        assert happened is (role != "anonymous" and expected(role, state, action))


@pytest.mark.parametrize(
    "role,state,message",
    [
        ("anonymous", "collect", "Sign in to support."),
        ("unverified", "collect", "Confirm your e-mail address to support."),
        ("no_consent", "collect", "Accept the current terms of use to take part."),
        ("resident", "review", "Supports are closed in this phase."),
        ("resident", "no_phase", "Supports are closed at the moment."),
        ("resident", "unpublished", "This process is not open to the public."),
    ],
)
def test_refusals_explain_the_layer_that_said_no(world, role, state, message):
    _process, note, user = world(role, state)
    assert denial("interactions.add_support", user, note).message == message


def test_hidden_targets_refuse_everything_but_moderation(world, site_moderator):
    _process, note, user = world("resident", "collect")
    note.hidden_at = note.created_at
    note.save()
    for action in ("add_comment", "add_support", "follow", "flag"):
        assert denial(f"interactions.{action}", user, note).code == "hidden"
    assert can("interactions.moderate", site_moderator, note)


def test_process_moderators_moderate_comments_of_their_process_only(world, make_process):
    process, note, moderator = world("process_moderator", "collect")
    comment = Comment.objects.create(
        target_type_id=note_type(note), target_id=note.pk, author=note.author, body="Hi"
    )
    other = Note.objects.create(process=make_process(title="Other"), author=note.author, text="x")
    other_comment = Comment.objects.create(
        target_type_id=note_type(other), target_id=other.pk, author=note.author, body="Hi"
    )
    assert can("interactions.moderate", moderator, comment)
    assert not can("interactions.moderate", moderator, other_comment)
    assert not can("interactions.moderate", moderator, other)


def note_type(note):
    return ContentType.objects.get_for_model(note).pk
