"""The feedback loop in a real browser: a resident's idea is routed by rule to a department,
a department member drafts the answer, the taskforce approves and publishes it, the resident
is notified and reads the answer, and an offline contributor looks up their receipt code.
Every page on the way passes axe-core's WCAG 2.2 AA rules."""

import pytest

from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from feedback_loop import services
from feedback_loop.models import Case, CaseState, Department, RoutingRule
from ideas.services import idea_submit
from tests.factories import TopicFactory, UserFactory
from tests.ideas.conftest import make_challenge

from .helpers import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def sign_in(context, user):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("main input[name='login']", user.email)
    page.fill("main input[name='password']", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type='submit']")
    return page


def submit_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_idea_to_published_answer_and_receipt(browser, live_server, home_page):
    topic = TopicFactory(name="Mobility", slug="mobility")
    challenge = make_challenge(home_page, title="Safer streets")
    streets = Department.objects.create(name="Streets", slug="streets")
    RoutingRule.objects.create(department=streets, topic=topic, priority=1)
    resident = UserFactory(display_name="Ravi")
    member = UserFactory(display_name="Sam")
    role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=streets, by=None)
    taskforce = UserFactory(display_name="Tess")
    role_assign(user=taskforce, role=Role.TASKFORCE, by=None)

    def new_context():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(15_000)
        return context

    # A resident posts an idea.
    residents = new_context()
    page = sign_in(residents, resident)
    page.goto(f"{challenge.url}new/")
    assert_accessible(page, "idea form")
    page.fill("main input[name='title']", "Zebra crossing at the school")
    page.fill("main textarea[name='body']", "Children cross the road here every morning.")
    page.select_option("main select[name='topic']", str(topic.pk))
    submit_and_wait(page, "main form button[type='submit']")
    if page.locator("main input[name='confirmed']").count():
        submit_and_wait(page, "main form:has(input[name='confirmed']) button[type='submit']")
    case = Case.objects.get()
    assert case.state == CaseState.ROUTED and case.department == streets

    # The department member finds it in their inbox and drafts the answer.
    members = new_context()
    page = sign_in(members, member)
    page.goto("/feedback/inbox/")
    assert_accessible(page, "department inbox")
    assert page.locator(f"a[href='/feedback/cases/{case.pk}/']").count() == 1
    page.click(f"a[href='/feedback/cases/{case.pk}/']")
    page.wait_for_url(f"**/feedback/cases/{case.pk}/")
    assert_accessible(page, "case page (department)")
    page.select_option("#id_answer-decision", "adopted")
    page.fill("#id_answer-public_text", "We will paint the crossing before the school year.")
    submit_and_wait(page, f"form[action='/feedback/cases/{case.pk}/answer/'] button")
    assert "saved as a draft" in page.content()
    members.close()

    # The taskforce approves and publishes.
    taskforces = new_context()
    page = sign_in(taskforces, taskforce)
    page.goto("/feedback/approvals/")
    assert_accessible(page, "approval queue")
    page.goto(f"/feedback/cases/{case.pk}/")
    submit_and_wait(page, f"form[action='/feedback/cases/{case.pk}/approve/'] button")
    submit_and_wait(page, f"form[action='/feedback/cases/{case.pk}/publish/'] button")
    assert_accessible(page, "case page (published)")
    case.refresh_from_db()
    assert case.state == CaseState.PUBLISHED
    page.goto("/feedback/inbox/")
    assert_accessible(page, "taskforce inbox")
    taskforces.close()

    # The resident is notified and reads the answer on the idea's page.
    page = residents.new_page()
    page.goto("/notifications/")
    assert_accessible(page, "notifications")
    assert "Zebra crossing at the school" in page.content()
    idea = case.inputs.get().contribution
    page.goto(f"{challenge.url}{idea.pk}/")
    assert "We will paint the crossing before the school year." in page.content()
    assert_accessible(page, "idea with its answer")
    residents.close()

    # An offline contributor looks up their paper idea by its receipt code.
    paper, _ = idea_submit(
        challenge=challenge,
        author=None,
        channel="paper",
        entered_by=taskforce,
        data={"title": "Bike racks at the station", "body": "Written on a card.", "topic": topic},
    )
    visitors = new_context()
    page = visitors.new_page()
    page.goto("/feedback/receipt/")
    assert_accessible(page, "receipt form")
    page.fill("#id_code", paper.receipt_code)
    submit_and_wait(page, "main form button[type='submit']")
    assert "Bike racks at the station" in page.content()
    assert "waiting for an answer" in page.content()
    assert_accessible(page, "receipt result")
    page.goto(f"/feedback/processes/{challenge.pk}/")
    assert "We will paint the crossing" in page.content()
    assert_accessible(page, "how your input was used")
    page.goto("/feedback/dashboard/")
    assert_accessible(page, "accountability dashboard")
    page.goto("/")
    assert_accessible(page, "home with recent answers")
    visitors.close()


def test_taskforce_routes_by_hand_and_grouped_survey_answers(browser, live_server, home_page):
    """The taskforce starts from the front page, routes a case no rule matched, creates an API
    token; open-text survey answers arrive as one case per question, answered once, and an
    anonymous respondent reads the answer with their receipt code."""
    from consultations.services import response_submit
    from feedback_loop.models import ProcessSettings
    from tests.consultations.conftest import make_consultation

    challenge = make_challenge(home_page, title="Safer streets")
    parks = Department.objects.create(name="Parks", slug="parks")
    RoutingRule.objects.create(department=parks, source="consultations.freetext", priority=1)
    member = UserFactory(display_name="Pia")
    role_assign(user=member, role=Role.DEPARTMENT_MEMBER, scope=parks, by=None)
    taskforce = UserFactory(display_name="Tess")
    role_assign(user=taskforce, role=Role.TASKFORCE, by=None)
    resident = UserFactory(display_name="Ravi")
    idea_submit(
        challenge=challenge,
        author=resident,
        data={"title": "Shade over the playground", "body": "It is too hot in summer."},
    )
    unrouted = Case.objects.get()
    assert unrouted.state == CaseState.TRIAGE
    consultation = make_consultation(home_page, "open", response_mode="anonymous")
    ProcessSettings.objects.create(
        process=consultation, case_sources=["consultations.freetext"], free_text_grouping="question"
    )
    survey = consultation.surveys.get()
    base = {"transport": "bus", "priorities": ["air"]}
    response_submit(survey=survey, respondent=resident, answers={**base, "idea": "More trees"})
    anonymous, _created = response_submit(
        survey=survey, respondent=None, answers={**base, "idea": "Benches in the shade"}
    )
    grouped = Case.objects.get(text="Your idea")
    assert grouped.inputs.count() == 2 and grouped.department == parks

    def new_context():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        return context

    taskforces = new_context()
    page = sign_in(taskforces, taskforce)
    page.goto("/feedback/")
    assert_accessible(page, "front page (taskforce)")
    page.click("main a[href='/feedback/inbox/']")
    page.wait_for_url("**/feedback/inbox/")
    page.goto(f"/feedback/cases/{unrouted.pk}/")
    assert_accessible(page, "case page (triage)")
    page.select_option("#id_assign-department", str(parks.pk))
    submit_and_wait(page, f"form[action='/feedback/cases/{unrouted.pk}/assign/'] button")
    unrouted.refresh_from_db()
    assert unrouted.state in (CaseState.ROUTED, CaseState.ASSIGNED)
    assert unrouted.department == parks
    page.goto("/feedback/tokens/")
    assert_accessible(page, "API tokens")
    page.fill("#id_label", "Parks case system")
    page.select_option("#id_department", str(parks.pk))
    submit_and_wait(page, "main form button[type='submit']")
    assert page.locator("#issued-token").input_value().startswith("cvt_")
    assert_accessible(page, "API token shown once")
    taskforces.close()

    members = new_context()
    page = sign_in(members, member)
    page.goto(f"/feedback/cases/{grouped.pk}/")
    assert "2 contributions" in page.content() and "Benches in the shade" in page.content()
    assert_accessible(page, "grouped case page")
    page.select_option("#id_answer-decision", "partly_adopted")
    page.fill("#id_answer-public_text", "Benches come this spring; trees in the autumn.")
    submit_and_wait(page, f"form[action='/feedback/cases/{grouped.pk}/answer/'] button")
    members.close()
    services.answer_approve(case=grouped, by=taskforce)
    services.answer_publish(case=grouped, by=taskforce)

    visitors = new_context()
    page = visitors.new_page()
    page.goto("/feedback/")
    assert_accessible(page, "front page (visitor)")
    page.fill("#id_code", anonymous.receipt_code)
    submit_and_wait(page, "main form button[type='submit']")
    assert "Benches come this spring" in page.content()
    assert_accessible(page, "receipt result (survey answer)")
    page.goto(f"/feedback/processes/{consultation.pk}/")
    assert "2 contributions" in page.content()
    assert_accessible(page, "how your input was used (grouped)")
    visitors.close()
