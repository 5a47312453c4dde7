"""Cases from ideas, routing, triage, answers and publication back to the ideas app."""

import pytest
from wagtail.models import ModelLogEntry

from civitas.core.errors import Conflict, DomainError, NotAllowed
from civitas.notifications.models import Notification
from feedback_loop import services
from feedback_loop.models import Case, CaseEvent, CaseInput, CaseState, ProcessSettings
from feedback_loop.sources import sources

pytestmark = pytest.mark.django_db


def test_submitted_idea_becomes_a_case_routed_by_rule(
    submit, rules, topic, streets, case_of, streets_member
):
    idea = submit(topic=topic)
    case = case_of(idea)
    assert case.state == CaseState.ROUTED
    assert case.department == streets
    assert case.title == idea.title and case.text == idea.body
    assert case.topic == topic and case.process_id == idea.process_id
    assert case.channel == "online"
    assert case.due_date is not None and case.due_date > case.created_at.date()
    assert list(case.events.values_list("action", flat=True)) == ["created", "routed"]
    assert ModelLogEntry.objects.filter(action="feedback_loop.case.routed").count() == 1
    assert Notification.objects.filter(
        recipient=streets_member, kind="feedback_loop.case_assigned"
    ).exists()


def test_no_matching_rule_goes_to_triage(submit, rules, case_of):
    case = case_of(submit(topic=None))
    assert case.state == CaseState.TRIAGE and case.department is None


def test_rules_in_priority_order(submit, rules, topic, district, parks, case_of):
    from feedback_loop.models import RoutingRule

    RoutingRule.objects.create(department=parks, topic=topic, district=district, priority=1)
    assert case_of(submit(topic=topic, district=district)).department == parks
    assert case_of(submit(topic=topic, title="Other")).department == rules[0].department


def test_the_same_event_twice_makes_one_case(submit, rules, topic):
    idea = submit(topic=topic)
    case, created = services.case_open(contribution=idea, adapter=sources.get("ideas.idea"))
    assert created is False
    assert Case.objects.count() == 1 and CaseInput.objects.count() == 1


def test_process_can_turn_off_cases_for_a_type(submit, challenge):
    ProcessSettings.objects.create(process=challenge, case_sources=["budgeting.proposal"])
    submit()
    assert Case.objects.count() == 0


def test_assign_and_reassign_need_a_reason(submit, rules, case_of, taskforce, streets, parks):
    case = case_of(submit())
    assert case.state == CaseState.TRIAGE
    services.case_assign(case=case, department=streets, by=taskforce)
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.department == streets
    with pytest.raises(DomainError):
        services.case_assign(case=case, department=parks, by=taskforce, reason="")
    services.case_assign(case=case, department=parks, by=taskforce, reason="Park land")
    case.refresh_from_db()
    assert case.department == parks
    event = case.events.get(action="reassigned")
    assert event.note == "Park land" and event.data["from"] == streets.pk


def test_department_member_cannot_triage(submit, rules, case_of, streets_member, parks):
    case = case_of(submit())
    with pytest.raises(NotAllowed):
        services.case_assign(case=case, department=parks, by=streets_member)
    case.refresh_from_db()
    assert case.department is None


def test_out_of_scope_needs_public_reason(submit, case_of, taskforce):
    case = case_of(submit())
    with pytest.raises(DomainError):
        services.case_mark_out_of_scope(case=case, reason="  ", by=taskforce)
    services.case_mark_out_of_scope(case=case, reason="A regional road.", by=taskforce)
    case.refresh_from_db()
    assert case.state == CaseState.OUT_OF_SCOPE and case.out_of_scope_reason == "A regional road."
    with pytest.raises(Conflict):
        services.case_mark_out_of_scope(case=case, reason="again", by=taskforce)


def test_group_moves_inputs_and_answer_reaches_all(
    submit, rules, topic, case_of, taskforce, streets_member, django_capture_on_commit_callbacks
):
    first, second = submit(topic=topic), submit(topic=topic, title="Crossing near school")
    target = case_of(first)
    services.case_group(case=target, others=[case_of(second)], by=taskforce, reason="Same place")
    assert case_of(second) == target
    other = Case.objects.exclude(pk=target.pk).get()
    assert other.state == CaseState.MERGED and other.merged_into == target
    services.answer_draft(
        case=target,
        by=streets_member,
        decision="adopted",
        public_text="We will paint it in spring.",
    )
    services.answer_approve(case=target, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=target, by=taskforce)
    for idea in (first, second):
        idea.refresh_from_db()
        assert idea.status_id == "accepted"
        assert idea.official_answer == "We will paint it in spring."


def test_answer_flow_with_approval(
    submit,
    rules,
    topic,
    case_of,
    streets_member,
    taskforce,
    resident,
    django_capture_on_commit_callbacks,
):
    idea = submit(topic=topic)
    case = case_of(idea)
    answer = services.answer_draft(
        case=case,
        by=streets_member,
        decision="not_adopted",
        public_text="Traffic counts are too low.",
        internal_notes="x",
    )
    assert answer.drafted_by == streets_member
    with pytest.raises(NotAllowed):
        services.answer_publish(case=case, by=streets_member)
    with pytest.raises(Conflict):
        services.answer_publish(case=case, by=taskforce)
    with pytest.raises(NotAllowed):
        services.answer_approve(case=case, by=streets_member)
    services.answer_approve(case=case, by=taskforce)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_publish(case=case, by=taskforce)
    case.refresh_from_db()
    idea.refresh_from_db()
    assert case.state == CaseState.PUBLISHED and case.answered_at is not None
    assert idea.status_id == "not_pursued"
    # The ideas app notifies the author; the feedback loop does not notify a second time.
    assert not Notification.objects.filter(kind="feedback_loop.answer_published").exists()
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["created", "routed", "drafted", "approved", "published"]
    logged = set(
        ModelLogEntry.objects.filter(action__startswith="feedback_loop.case.").values_list(
            "action", flat=True
        )
    )
    assert {f"feedback_loop.case.{a}" for a in actions} <= logged


def test_approval_can_be_switched_off_per_process(
    submit, rules, topic, case_of, streets_member, challenge
):
    ProcessSettings.objects.create(process=challenge, approval_required=False)
    case = case_of(submit(topic=topic))
    services.answer_draft(
        case=case, by=streets_member, decision="already_planned", public_text="Planned for 2027."
    )
    services.answer_publish(case=case, by=streets_member)
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED


def test_other_department_cannot_draft(submit, rules, topic, case_of, parks_member):
    case = case_of(submit(topic=topic))
    with pytest.raises(NotAllowed):
        services.answer_draft(case=case, by=parks_member, decision="adopted", public_text="x")
    assert not CaseEvent.objects.filter(action="drafted").exists()


def test_contributing_department(
    submit, rules, topic, case_of, taskforce, parks, parks_member, streets_member
):
    case = case_of(submit(topic=topic))
    services.case_add_contributing_department(case=case, department=parks, by=taskforce)
    services.answer_draft(case=case, by=streets_member, decision="partly_adopted", public_text="A")
    part = services.answer_contribute(case=case, department=parks, by=parks_member, text="Trees")
    assert part.answer.case == case
    assert parks_member.has_perm("feedback_loop.view_case", case)


def test_edit_refreshes_snapshot(
    submit, rules, case_of, resident, django_capture_on_commit_callbacks
):
    from ideas.services import idea_edit

    idea = submit()
    with django_capture_on_commit_callbacks(execute=True):
        idea_edit(idea=idea, by=resident, data={"title": "Zebra crossing, Elm Street"})
    case = case_of(idea)
    assert case.title == "Zebra crossing, Elm Street"
    assert case.events.filter(action="input_edited").exists()


def test_bulk_assign_is_all_or_nothing(submit, case_of, taskforce, streets):
    cases = [case_of(submit(title=f"Idea {i}")) for i in range(3)]
    assert services.cases_bulk(cases=cases, action="assign", by=taskforce, department=streets) == 3
    assert Case.objects.filter(department=streets).count() == 3
    with pytest.raises(DomainError):
        services.cases_bulk(cases=cases, action="out_of_scope", by=taskforce, reason="")
    assert not Case.objects.filter(state=CaseState.OUT_OF_SCOPE).exists()


def test_pending_cases_are_routed_in_batches(challenge, rules, topic, streets, streets_member):
    from feedback_loop.sources import adapter_for
    from ideas.models import Idea

    ideas = [
        Idea.objects.create(
            process=challenge, title=f"Idea {i}", body="b", topic=topic if i % 2 else None
        )
        for i in range(5)
    ]
    for idea in ideas:
        services.case_open(contribution=idea, adapter=adapter_for(idea), route=False)
    assert Case.objects.filter(state=CaseState.NEW).count() == 5
    assert services.cases_route_pending(batch_size=2) == {"routed": 2, "triage": 3}
    assert Case.objects.filter(state=CaseState.ROUTED, department=streets).count() == 2
    assert CaseEvent.objects.filter(action="routed").count() == 2
    assert ModelLogEntry.objects.filter(action="feedback_loop.case.triage").count() == 3
    # One notice per department and batch, not one per case.
    assert Notification.objects.filter(recipient=streets_member).count() == 2
    assert services.cases_route_pending() == {"routed": 0, "triage": 0}
