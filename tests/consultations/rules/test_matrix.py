"""Permission matrix of consultations: roles x phase states x actions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from civitas.accounts.models import Role
from civitas.accounts.roles import forget_roles
from civitas.accounts.services import role_assign
from events.models import AttendanceMode, EventIndexPage, EventKind, EventPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATES = ["open", "closed", "report", "upcoming", "unpublished"]
ROLES = [
    "anonymous",
    "unverified",
    "no_consent",
    "resident",
    "facilitator_here",
    "facilitator_elsewhere",
    "facilitator_of_linked_event",
    "facilitator_of_other_event",
    "moderator_here",
    "taskforce",
    "editor",
    "administrator",
]
PARTICIPANTS = {
    "resident",
    "facilitator_here",
    "facilitator_elsewhere",
    "facilitator_of_linked_event",
    "facilitator_of_other_event",
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
        (r, s)
        for r in ("facilitator_here", "facilitator_of_linked_event", "taskforce", "administrator")
        for s in STATES
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
def event_of(home_page):
    """An event page feeding `process` (or no process)."""
    index = EventIndexPage(title="Events", slug="events")
    home_page.add_child(instance=index)

    def make(process, title):
        event = EventPage(
            title=title,
            kind=EventKind.WORKSHOP,
            mode=AttendanceMode.ONLINE,
            online_link="https://meet.example.org/w",
            process=process,
        )
        index.add_child(instance=event)
        return event

    return make


@pytest.fixture
def person(role_user, make_page, event_of):
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
        if role == "facilitator_elsewhere":
            return role_user(Role.FACILITATOR, make_page("open", title="Elsewhere"))
        if role == "facilitator_of_linked_event":
            return role_user(Role.FACILITATOR, event_of(page, "Workshop on this"))
        if role == "facilitator_of_other_event":
            other = make_page("open", title="Other consultation")
            return role_user(Role.FACILITATOR, event_of(other, "Workshop on another"))
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


def test_a_facilitator_of_several_events_may_enter_paper_where_one_feeds_the_consultation(
    make_page, role_user, event_of
):
    page = make_page("open")
    survey = page.surveys.get()
    facilitator = role_user(Role.FACILITATOR, event_of(None, "Unlinked workshop"))
    assert not facilitator.has_perm("consultations.enter_paper", survey)
    linked = event_of(page, "Linked workshop")
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=linked, by=None)
    forget_roles(facilitator)  # role_assign changed another copy of the user
    assert facilitator.has_perm("consultations.enter_paper", survey)
    assert facilitator.has_perm("consultations.enter_paper", page)


def test_paper_permission_costs_no_query_for_people_without_scoped_roles(
    make_page, django_assert_num_queries
):
    survey = make_page("open").surveys.get()
    resident = UserFactory()
    resident.has_perm("consultations.enter_paper", survey)  # loads the role set once
    with django_assert_num_queries(0):
        assert not resident.has_perm("consultations.enter_paper", survey)
