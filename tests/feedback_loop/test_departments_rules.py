"""Departments and routing rules in the admin: known contribution types only, warnings about
rules that overlap or shadow a rule, a department's members; notices to a department without
members go to its contact e-mail; invited departments hear about it; steps posted through the
inbound API name their token."""

import json

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from civitas.accounts.models import Role
from civitas.notifications.models import Notification
from feedback_loop import services
from feedback_loop.models import CaseEvent, DepartmentToken, ProcessSettings, RoutingRule
from tests.factories import UserFactory
from tests.feedback_loop.conftest import person

pytestmark = pytest.mark.django_db

RULES = "/admin/snippets/feedback_loop/routingrule/"
SETTINGS = "/admin/snippets/feedback_loop/processsettings/"
DEPARTMENTS = "/admin/snippets/feedback_loop/department/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def rule_form(department, **values):
    data = {
        "department": department.pk,
        "topic": "",
        "district": "",
        "process": "",
        "source": "",
        "priority": 100,
        "active": "on",
    }
    data.update(values)
    return data


# --- routing rules ---------------------------------------------------------------------------


def test_rule_source_is_a_known_contribution_type(admin_client, streets):
    page = admin_client.get(f"{RULES}add/").content.decode()
    assert '<option value="ideas.idea"' in page
    response = admin_client.post(f"{RULES}add/", rule_form(streets, source="ideas.bogus"))
    assert response.status_code == 200
    assert "is not a known contribution type" in response.content.decode()
    assert not RoutingRule.objects.exists()
    response = admin_client.post(f"{RULES}add/", rule_form(streets, source="ideas.idea"))
    assert response.status_code == 302
    assert RoutingRule.objects.get().source == "ideas.idea"


def test_rule_edit_page_warns_about_shadowing_and_overlapping_rules(
    admin_client, streets, parks, topic, district
):
    narrow = RoutingRule.objects.create(
        department=parks, topic=topic, district=district, priority=20
    )
    broad = RoutingRule.objects.create(department=streets, topic=topic, priority=10)
    elsewhere = RoutingRule.objects.create(department=parks, source="ideas.idea", priority=30)
    unrelated = RoutingRule.objects.create(
        department=parks, topic=topic, source="budgeting.proposal", district=None, priority=5
    )
    RoutingRule.objects.create(department=parks, priority=1, active=False)
    html = admin_client.get(f"{RULES}edit/{narrow.pk}/").content.decode()
    assert "may never apply" in html
    shadow_part, overlap_part = html.split("may never apply", 1)[1].split("can match some", 1)
    assert f"{RULES}edit/{broad.pk}/" in shadow_part
    assert f"{RULES}edit/{elsewhere.pk}/" in overlap_part
    assert f"{RULES}edit/{unrelated.pk}/" in overlap_part  # no source on `narrow`
    # The broad rule is not shadowed by the narrower, later one: it only overlaps.
    html = admin_client.get(f"{RULES}edit/{broad.pk}/").content.decode()
    assert "may never apply" not in html and f"{RULES}edit/{narrow.pk}/" in html


def test_rule_without_conflicts_shows_no_warning(admin_client, streets, topic):
    rule = RoutingRule.objects.create(department=streets, topic=topic)
    html = admin_client.get(f"{RULES}edit/{rule.pk}/").content.decode()
    assert "may never apply" not in html and "can match some" not in html


# --- process settings ------------------------------------------------------------------------


def settings_form(process, *sources):
    return {
        "process": process.pk,
        "case_sources": list(sources),
        "free_text_grouping": "question",
        "approval_required": "on",
        "answer_working_days": 20,
    }


def test_case_sources_are_checked(admin_client, challenge):
    page = admin_client.get(f"{SETTINGS}add/").content.decode()
    assert 'type="checkbox" name="case_sources" value="ideas.idea"' in page
    response = admin_client.post(f"{SETTINGS}add/", settings_form(challenge, "ideas.idea", "x.y"))
    assert response.status_code == 200
    assert "Unknown contribution types: x.y" in response.content.decode()
    assert not ProcessSettings.objects.exists()
    response = admin_client.post(f"{SETTINGS}add/", settings_form(challenge, "ideas.idea"))
    assert response.status_code == 302
    assert ProcessSettings.objects.get().case_sources == ["ideas.idea"]


def test_no_case_source_ticked_means_the_defaults(admin_client, challenge):
    response = admin_client.post(f"{SETTINGS}add/", settings_form(challenge))
    assert response.status_code == 302
    assert ProcessSettings.objects.get().case_sources == []


# --- departments -----------------------------------------------------------------------------


def test_department_page_lists_its_members(admin_client, streets, streets_member, parks_member):
    html = admin_client.get(f"{DEPARTMENTS}edit/{streets.pk}/").content.decode()
    assert streets_member.email in html and parks_member.email not in html
    assert "/admin/roles/?role=department_member" in html


def test_department_without_members_says_where_notices_go(admin_client, parks):
    html = admin_client.get(f"{DEPARTMENTS}edit/{parks.pk}/").content.decode()
    assert "no active members" in html


def test_case_for_a_department_without_members_goes_to_its_contact(
    submit, rules, topic, mailoutbox, django_capture_on_commit_callbacks
):
    submit(topic=topic)
    assert [message.to for message in mail.outbox] == [["s@example.org"]]
    assert "New case for your department" in mail.outbox[0].subject
    assert "/feedback/cases/" in mail.outbox[0].body


def test_members_are_told_and_the_contact_is_not(submit, rules, topic, streets_member, mailoutbox):
    submit(topic=topic)
    assert Notification.objects.filter(recipient=streets_member).count() == 1
    assert mail.outbox == []


def test_inactive_members_do_not_count(submit, rules, topic, streets_member, mailoutbox):
    streets_member.is_active = False
    streets_member.save()
    submit(topic=topic)
    assert [message.to for message in mail.outbox] == [["s@example.org"]]


def test_pending_cases_routed_in_bulk_reach_the_contact(
    submit, streets, topic, mailoutbox, case_of, django_capture_on_commit_callbacks
):
    case = case_of(submit(topic=topic))  # no rule yet: triage
    type(case).objects.filter(pk=case.pk).update(state="new")
    RoutingRule.objects.create(department=streets, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_route_pending()["routed"] == 1
    assert [message.to for message in mail.outbox] == [["s@example.org"]]
    assert "1 new cases" in mail.outbox[0].subject


def test_invited_department_members_are_told(
    submit, rules, topic, parks, parks_member, taskforce, case_of, mailoutbox
):
    case = case_of(submit(topic=topic))
    services.case_add_contributing_department(case=case, department=parks, by=taskforce)
    told = Notification.objects.get(recipient=parks_member)
    assert told.kind == "feedback_loop.contribution_requested"
    assert case.title in told.title and told.url == f"/feedback/cases/{case.pk}/"
    # Asking again tells no one twice.
    services.case_add_contributing_department(case=case, department=parks, by=taskforce)
    assert Notification.objects.filter(recipient=parks_member).count() == 1


# --- the inbound API names its token -------------------------------------------------------------


def test_api_steps_name_the_token(client, submit, rules, topic, streets, case_of):
    case = case_of(submit(topic=topic))
    token, raw = DepartmentToken.issue(department=streets, label="SAP")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for path, body in (
        ("status", {"status": "in_progress", "note": "Survey planned."}),
        ("answer", {"decision": "adopted", "public_text": "Done in June."}),
    ):
        response = client.post(
            f"/api/v1/feedback/cases/{case.pk}/{path}",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 200
    for action in ("api_status", "drafted"):
        event = CaseEvent.objects.get(case=case, action=action)
        assert event.actor is None
        assert (event.data["token"], event.data["token_label"]) == (token.pk, "SAP")
        entry = ModelLogEntry.objects.get(action=f"feedback_loop.case.{action}")
        assert (entry.data["token"], entry.data["token_label"]) == (token.pk, "SAP")
    # Steps taken by people are not attributed to any token.
    assert "token" not in CaseEvent.objects.get(case=case, action="routed").data
    staff = person(Role.TASKFORCE, name="Tess")
    client.force_login(staff)
    assert "through API token “SAP”" in client.get(f"/feedback/cases/{case.pk}/").content.decode()
