"""A published answer to an idea reaches its author, supporters and followers once each,
whether or not the ideas app itself had news to tell them."""

import pytest
from django.contrib.contenttypes.models import ContentType

from civitas.interactions.models import Follow, Support
from civitas.notifications.models import Notification
from feedback_loop import services
from ideas.services import idea_status_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_of(db):
    def add(idea):
        target_type = ContentType.objects.get_for_model(idea)
        supporter, follower = UserFactory(), UserFactory()
        Support.objects.create(target_type=target_type, target_id=idea.pk, user=supporter)
        Follow.objects.create(target_type=target_type, target_id=idea.pk, user=follower)
        return supporter, follower

    return add


@pytest.fixture
def publish(case_of, streets_member, taskforce, django_capture_on_commit_callbacks):
    def run(idea, text):
        case = case_of(idea)
        services.answer_draft(case=case, by=streets_member, decision="adopted", public_text=text)
        services.answer_approve(case=case, by=taskforce)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_publish(case=case, by=taskforce)

    return run


def told() -> list[int]:
    return sorted(Notification.objects.values_list("recipient_id", flat=True))


def test_an_answer_the_idea_already_carries_still_reaches_everyone_once(
    submit, rules, topic, resident, people_of, publish
):
    idea = submit(topic=topic)
    supporter, follower = people_of(idea)
    idea_status_set(idea=idea, status="accepted", answer="We paint it in May.", by=None)
    Notification.objects.all().delete()
    publish(idea, "We paint it in May.")
    assert told() == sorted([resident.pk, supporter.pk, follower.pk])
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        "feedback_loop.answer_published"
    }


def test_when_the_ideas_app_tells_everyone_the_loop_adds_nobody(
    submit, rules, topic, resident, people_of, publish
):
    idea = submit(topic=topic)
    supporter, follower = people_of(idea)
    Notification.objects.all().delete()
    publish(idea, "We paint it in May.")
    assert told() == sorted([resident.pk, supporter.pk, follower.pk])
    assert not Notification.objects.filter(kind="feedback_loop.answer_published").exists()


def test_idea_status_set_returns_whom_it_told(submit, topic, resident, people_of):
    idea = submit(topic=topic)
    supporter, follower = people_of(idea)
    told_ids = idea_status_set(idea=idea, status="accepted", answer="Yes.", by=supporter)
    assert told_ids == {resident.pk, follower.pk}
    assert idea_status_set(idea=idea, status="accepted", answer="Yes.", by=None) == set()
