"""Permission matrix of accounts: every kind of person crossed with every accounts action."""

import pytest
from django.contrib.auth.models import AnonymousUser

from civitas.accounts.models import Role, User
from civitas.accounts.rules import has_accepted_current_terms, is_participant
from civitas.accounts.services import account_delete, role_assign, terms_accept
from tests.factories import DistrictFactory, UserFactory

PEOPLE = [
    "anonymous",
    "unverified",
    "resident",
    "resident_without_consent",
    "facilitator",
    "moderator",
    "taskforce",
    "department_member",
    "editor",
    "administrator",
    "superuser",
    "deleted",
]


def make_person(kind: str):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "superuser":
        user = User.objects.create_superuser("root@example.org", "correct-horse-battery")
        terms_accept(user=user)
        return user
    user = UserFactory(verified=kind != "unverified", consented=kind != "resident_without_consent")
    scope = DistrictFactory()  # any object can scope a role; what matters is that it has one
    if kind in {"facilitator", "department_member"}:
        role_assign(user=user, role=kind, scope=scope, by=None)
    elif kind in {"moderator", "taskforce", "editor", "administrator"}:
        role_assign(user=user, role=kind, by=None)
    if kind == "deleted":
        account_delete(user=user)
    # A fresh object, as a new request would have.
    return User.objects.get(pk=user.pk)


ADMINS = {"administrator", "superuser"}
SIGNED_IN = set(PEOPLE) - {"anonymous", "deleted"}
CONSENTED = SIGNED_IN - {"resident_without_consent"}

# (permission, object: "self" or "other" or None) -> the people who hold it
MATRIX = {
    ("accounts.assign_role", None): ADMINS,
    ("accounts.view_role_assignments", None): ADMINS,
    ("accounts.edit_profile", "self"): SIGNED_IN,
    # Nobody, superusers included, edits, downloads or deletes someone else's account on /me/;
    # administrators delete accounts in the Wagtail admin, which checks its own permission.
    ("accounts.edit_profile", "other"): set(),
    ("accounts.export_data", "self"): SIGNED_IN,
    ("accounts.export_data", "other"): set(),
    ("accounts.delete_account", "self"): SIGNED_IN,
    ("accounts.delete_account", "other"): set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PEOPLE)
@pytest.mark.parametrize(("perm", "target"), list(MATRIX))
def test_accounts_permission_matrix(kind, perm, target):
    # A second administrator exists, so deleting accounts is never blocked by the last-admin rule.
    role_assign(user=UserFactory(), role=Role.ADMINISTRATOR, by=None)
    person = make_person(kind)
    obj = None
    if target == "self":
        obj = person if person.is_authenticated else None
    elif target == "other":
        obj = UserFactory()
    assert person.has_perm(perm, obj) is (kind in MATRIX[(perm, target)])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PEOPLE)
def test_only_verified_people_who_accepted_the_terms_in_force_may_contribute(kind):
    person = make_person(kind)
    assert has_accepted_current_terms(person) is (kind in CONSENTED)
    assert is_participant(person) is (kind in CONSENTED - {"unverified", "superuser"})
