"""A published answer sets the idea's status by its meaning, whatever editors call it."""

import pytest

from feedback_loop import services
from feedback_loop.models import Decision
from feedback_loop.sources.ideas import MEANING_FOR_DECISION
from ideas.models import IdeaStatus, StatusMeaning

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(case_of, streets_member, taskforce, django_capture_on_commit_callbacks):
    """Draft, approve and publish an answer to the case of `idea`; the idea as it is then."""

    def run(idea, decision, text):
        case = case_of(idea)
        services.answer_draft(case=case, by=streets_member, decision=decision, public_text=text)
        services.answer_approve(case=case, by=taskforce)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_publish(case=case, by=taskforce)
        idea.refresh_from_db()
        return idea

    return run


def test_every_decision_maps_to_a_known_meaning():
    assert set(MEANING_FOR_DECISION) == set(Decision.values)
    assert set(MEANING_FOR_DECISION.values()) <= set(StatusMeaning.values)


def test_renamed_and_reordered_statuses_are_picked_by_meaning(submit, rules, topic, publish):
    # Editors rename "Not pursued" (code too, no idea has it yet) and put a declined status
    # of their own before it.
    IdeaStatus.objects.filter(code="not_pursued").update(
        code="not-now", label="Declined for now", label_en="Declined for now"
    )
    IdeaStatus.objects.create(
        code="rejected", label="Rejected", label_en="Rejected", meaning="declined", sort_order=1
    )
    idea = submit(topic=topic)
    publish(idea, "not_adopted", "Traffic counts are too low.")
    assert idea.status_id == "rejected"
    assert idea.official_answer == "Traffic counts are too low."
    IdeaStatus.objects.filter(code="rejected").update(active=False)
    other = submit(topic=topic, title="Lights on the bridge")
    publish(other, "out_of_scope", "A regional road.")
    assert other.status.label == "Declined for now"


def test_an_inactive_status_is_skipped_and_a_missing_meaning_keeps_the_status(
    submit, rules, topic, publish
):
    IdeaStatus.objects.filter(code="accepted").update(active=False)
    IdeaStatus.objects.create(code="adopted", label="Adopted", meaning="accepted", sort_order=99)
    first = submit(topic=topic)
    publish(first, "adopted", "We will do it.")
    assert first.status_id == "adopted"
    # No active status means "in progress" any more: the answer still reaches the idea.
    IdeaStatus.objects.filter(meaning="in_progress").update(active=False)
    second = submit(topic=topic, title="Lights on the bridge")
    publish(second, "already_planned", "Already in the plan.")
    assert (second.status_id, second.official_answer) == ("submitted", "Already in the plan.")
