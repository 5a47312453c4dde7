"""Kernel permissions: roles x context x phase, as a matrix."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from civitas.accounts.models import Role
from civitas.accounts.services import account_delete, role_assign
from tests.factories import UserFactory, make_dummy_process

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "unverified",
    "resident",
    "deleted",
    "moderator",
    "taskforce",
    "editor",
    "administrator",
    "process_moderator",
]


def make_person(kind, process):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "unverified":
        return UserFactory(verified=False)
    user = UserFactory()
    if kind == "deleted":
        account_delete(user=user)
    elif kind == "process_moderator":
        role_assign(user=user, role=Role.MODERATOR, scope=process, by=None)
    elif kind != "resident":
        role_assign(user=user, role=kind, by=None)
    user.refresh_from_db()
    return user


STAFF_EXPECTED = {
    # kind: (access_staff_area, moderate, manage_taxonomy)
    "anonymous": (False, False, False),
    "unverified": (False, False, False),
    "resident": (False, False, False),
    "deleted": (False, False, False),
    "moderator": (True, True, False),
    "process_moderator": (True, True, False),
    "taskforce": (True, False, True),
    "editor": (True, False, True),
    "administrator": (True, True, True),
}


@pytest.mark.parametrize("kind", ROLES)
def test_staff_permissions_by_role(home_page, kind):
    process = make_dummy_process(home_page)
    person = make_person(kind, process)
    got = tuple(
        person.has_perm(f"participation.{perm}")
        for perm in ("access_staff_area", "moderate", "manage_taxonomy")
    )
    assert got == STAFF_EXPECTED[kind]


PHASES = {
    "collect_open": ([("collect", -1, 1)], True),
    "review_open": ([("collect", -3, -1), ("review", -1, 1)], True),
    "no_active_phase": ([("collect", 1, 3)], True),
    "unpublished": ([("collect", -1, 1)], False),
}
CAN_SUBMIT_WHEN_COLLECTING = {
    "resident",
    "moderator",
    "taskforce",
    "editor",
    "administrator",
    "process_moderator",
}


@pytest.mark.parametrize("phase_state", list(PHASES))
@pytest.mark.parametrize("kind", ROLES)
def test_submit_note_matrix(home_page, kind, phase_state):
    phases, live = PHASES[phase_state]
    process = make_dummy_process(home_page, phases=phases, live=live)
    person = make_person(kind, process)
    expected = phase_state == "collect_open" and kind in CAN_SUBMIT_WHEN_COLLECTING
    assert person.has_perm("dummy_process.submit_note", process) is expected


def test_view_answers_403_to_signed_in_people_without_permission(client, home_page):
    process = make_dummy_process(home_page, phases=[("review", -1, 1)])
    client.force_login(UserFactory())
    assert client.get(f"/dummy/{process.pk}/notes/new/").status_code == 403
    client.logout()
    assert client.get(f"/dummy/{process.pk}/notes/new/").status_code == 403


def test_phase_window_decides_without_clock_tricks(home_page):
    process = make_dummy_process(home_page, phases=[("collect", -1, 1)])
    phase = process.phases.get()
    assert process.allows("submit", at=phase.starts_at)
    assert not process.allows("submit", at=phase.ends_at)
    assert process.allows("submit", at=timezone.now())
