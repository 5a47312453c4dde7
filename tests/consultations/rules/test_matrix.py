"""Permission matrix of consultations: roles x phase states x actions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from civitas.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATES = ["open", "closed", "report", "upcoming", "unpublished"]
ROLES = [
    "anonymous",
    "unverified",
    "no_consent",
    "resident",
    "facilitator_here",
    "moderator_here",
    "taskforce",
    "editor",
    "administrator",
]
PARTICIPANTS = {
    "resident",
    "facilitator_here",
    "moderator_here",
    "taskforce",
    "editor",
    "administrator",
}
ANALYSTS = {"moderator_here", "taskforce", "editor", "administrator"}
EVERYONE = set(ROLES)
PUBLISHED = {"open", "closed", "report", "upcoming"}
EXPECTED = {
    "consultations.respond": {(r, "open") for r in PARTICIPANTS},
    "consultations.vote_poll": {(r, "open") for r in PARTICIPANTS},
    "consultations.comment_paragraph": {(r, "open") for r in PARTICIPANTS},
    "consultations.add_argument": {(r, "open") for r in PARTICIPANTS},
    "consultations.enter_paper": {
        (r, s) for r in ("facilitator_here", "taskforce", "administrator") for s in STATES
    },
    "consultations.view_results": {(r, s) for r in ANALYSTS for s in STATES}
    | {(r, "report") for r in EVERYONE},
    "consultations.view_report": {(r, s) for r in ANALYSTS for s in STATES}
    | {(r, "report") for r in EVERYONE},
    "consultations.analyse": {(r, s) for r in ANALYSTS for s in STATES},
    "consultations.export": {
        (r, s) for r in ("taskforce", "editor", "administrator") for s in STATES
    },
}


@pytest.fixture
def person(role_user):
    def make(role, page):
        if role == "anonymous":
            return AnonymousUser()
        if role == "unverified":
            return UserFactory(verified=False)
        if role == "no_consent":
            return UserFactory(consented=False)
        if role == "resident":
            return UserFactory()
        if role == "facilitator_here":
            return role_user(Role.FACILITATOR, page)
        if role == "moderator_here":
            return role_user(Role.MODERATOR, page)
        return role_user(Role(role))

    return make


@pytest.mark.parametrize("state", STATES)
def test_matrix(make_page, person, state):
    page = (
        make_page("open", live=False, title="Draft") if state == "unpublished" else make_page(state)
    )
    survey = page.surveys.get()
    wrong = []
    for role in ROLES:
        user = person(role, page)
        for perm, allowed in EXPECTED.items():
            expected = (role, state) in allowed
            if user.has_perm(perm, survey) != expected:
                wrong.append((perm, role, state, expected))
    assert wrong == []


def test_anonymous_surveys_take_responses_from_visitors(make_page):
    survey = make_page("open", response_mode="anonymous").surveys.get()
    assert AnonymousUser().has_perm("consultations.respond", survey)
    closed = make_page("closed", title="Closed", response_mode="anonymous").surveys.get()
    assert not AnonymousUser().has_perm("consultations.respond", closed)
