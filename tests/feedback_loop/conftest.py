"""Fixtures for the feedback loop: departments, rules, people in roles and ideas as input."""

import pytest
from django.core.cache import cache

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from feedback_loop.models import Department, RoutingRule
from ideas.services import idea_submit
from tests.factories import DistrictFactory, TopicFactory, UserFactory
from tests.ideas.conftest import make_challenge
from tests.notifications.conftest import channel_layer_settings  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def topic(db):
    return TopicFactory(name="Mobility", slug="mobility")


@pytest.fixture
def other_topic(db):
    return TopicFactory(name="Parks", slug="parks")


@pytest.fixture
def district(db):
    return DistrictFactory(name="Old Town", slug="old-town")


@pytest.fixture
def challenge(home_page):
    return make_challenge(home_page, title="Safer streets")


@pytest.fixture
def streets(db, topic):
    department = Department.objects.create(
        name="Streets", slug="streets", contact_email="s@example.org"
    )
    department.topics.add(topic)
    return department


@pytest.fixture
def parks(db, other_topic):
    department = Department.objects.create(name="Parks", slug="parks")
    department.topics.add(other_topic)
    return department


@pytest.fixture
def rules(streets, parks, topic, other_topic):
    return [
        RoutingRule.objects.create(department=streets, topic=topic, priority=10),
        RoutingRule.objects.create(department=parks, topic=other_topic, priority=20),
    ]


def person(role=None, scope=None, name="Staff"):
    user = UserFactory(display_name=name)
    if role:
        role_assign(user=user, role=role, scope=scope, by=None)
    return user


@pytest.fixture
def taskforce(db):
    return person(Role.TASKFORCE, name="Tess")


@pytest.fixture
def streets_member(streets):
    return person(Role.DEPARTMENT_MEMBER, streets, name="Sam")


@pytest.fixture
def parks_member(parks):
    return person(Role.DEPARTMENT_MEMBER, parks, name="Pia")


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Ravi")


@pytest.fixture
def submit(challenge, resident, django_capture_on_commit_callbacks):
    """Submit an idea as a resident and run the after-commit events (so its case is made)."""

    def run(*, topic=None, district=None, title="Zebra crossing at the school", by=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            idea, _created = idea_submit(
                challenge=challenge,
                author=by or resident,
                data={
                    "title": title,
                    "body": "Children cross here.",
                    "topic": topic,
                    "district": district,
                },
                **extra,
            )
        return idea

    return run


@pytest.fixture
def case_of():
    from django.contrib.contenttypes.models import ContentType

    from feedback_loop.models import CaseInput

    def get(contribution):
        return CaseInput.objects.get(
            content_type=ContentType.objects.get_for_model(contribution),
            object_id=contribution.pk,
        ).case

    return get


def open_text_responses(survey, count: int) -> list:
    """`count` anonymous responses to a consultation survey, each with its own "idea" text."""
    from consultations.services import response_submit

    return [
        response_submit(
            survey=survey,
            respondent=None,
            answers={"transport": "bus", "priorities": ["air"], "idea": f"Idea {n}"},
        )[0]
        for n in range(count)
    ]
