"""The demo city the README's first command builds: every app's data, working pages, no mail."""

from io import StringIO

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from budgeting.models import BudgetRoundPage, Proposal
from civitas.accounts.models import User
from civitas.interactions.models import Support
from civitas.interactions.selectors import count_subquery, visible_comments
from civitas.interactions.targets import content_type_of
from feedback_loop.models import Case, CaseEvent, CaseState, Department
from feedback_loop.rules import department_ids
from ideas.models import Idea, IdeaChallengePage

PUBLIC_PAGES = [
    "/",
    "/greener-safer-riverton/",
    "/ideas/",
    "/riverton-budget-2027/",
    "/riverton-budget-2025/results/",
    "/smart-city-strategy/",
    "/mobility-plan-consultation/",
    "/events/",
    "/feedback/",
    "/feedback/receipt/",
    "/search/?q=bike",
    "/api/v1/ideas/",
]


def build(**options) -> str:
    out = StringIO()
    call_command("demo_city", stdout=out, **options)
    return out.getvalue()


def test_demo_city_builds_a_working_city_and_can_run_again(
    migrated_data, client, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    printed = build()
    # Its people are made up: a configured mail server must not write to them.
    assert list(tmp_path.iterdir()) == []
    assert "Demo logins" in printed and "resident@demo.civitas" in printed
    assert "Page created" not in printed
    for path in PUBLIC_PAGES:
        assert client.get(path).status_code == 200, path
    home = client.get("/").content.decode()
    assert "Projects funded by your votes" in home
    assert Proposal.objects.filter(funded=True).exists()
    # Lists, the API and the export read the stored counts: they must match the real ones,
    # also for the supports the demo writes in bulk (one query for every idea).
    target_type = content_type_of(Idea)
    wrong_counts = Idea.objects.annotate(
        real_supports=count_subquery(Support.objects.all(), target_type),
        real_comments=count_subquery(visible_comments(), target_type),
    ).exclude(support_count=F("real_supports"), comment_count=F("real_comments"))
    assert list(wrong_counts.values_list("title", flat=True)) == []
    assert Idea.objects.filter(process__slug="riverton-2025-ideas", support_count__gt=0).exists()

    # The feedback loop: a member for every department, named with the other logins, and a
    # case in every state of the workflow.
    for department in Department.objects.all():
        member = User.objects.filter(
            role_assignments__role="department_member", role_assignments__scope_id=department.pk
        ).first()
        assert member is not None, department
        assert member.email in printed and department.name in printed
        assert department.pk in department_ids(member)
    states = set(Case.objects.values_list("state", flat=True))
    for state in CaseState.values:
        if state != CaseState.TRIAGE or Case.objects.filter(state=state).exists():
            assert state in states, state
    assert Case.objects.exclude(out_of_scope_reason="").filter(state="out_of_scope").exists()
    assert Case.objects.filter(state="merged", merged_into__isnull=False).exists()
    assert Case.objects.filter(
        state__in=["routed", "assigned", "drafted"], due_date__lt=timezone.localdate()
    ).exists()
    assert Case.objects.filter(contributing_departments__isnull=False).exists()
    published = Case.objects.filter(state="published")
    for model in (Idea, Proposal):
        process_ids = set(model.objects.values_list("process_id", flat=True))
        assert published.filter(process_id__in=process_ids).exists(), model
    assert client.get("/feedback/dashboard/").status_code == 200
    linked = set()
    for process_id in published.values_list("process_id", flat=True).distinct():
        how_used = f"/feedback/processes/{process_id}/"
        page = client.get(how_used)
        assert page.status_code == 200 and b'<div class="answer">' in page.content, process_id
        # The idea challenge and the budget round link to their "How your input was used".
        process_page = Page.objects.get(pk=process_id).specific
        if isinstance(process_page, IdeaChallengePage | BudgetRoundPage):
            assert f'href="{how_used}"' in client.get(process_page.url).content.decode()
            linked.add(type(process_page))
    assert linked == {IdeaChallengePage, BudgetRoundPage}

    counts = (
        Idea.objects.count(),
        Proposal.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    )
    build()
    assert (
        Idea.objects.count(),
        Proposal.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
    ) == counts

    for department in Department.objects.all():
        member = User.objects.filter(
            role_assignments__role="department_member", role_assignments__scope_id=department.pk
        ).first()
        client.force_login(member)
        assert client.get("/feedback/inbox/").status_code == 200, department
        assert client.get(f"/feedback/departments/{department.slug}/").status_code == 200

    client.force_login(User.objects.get(email="taskforce@demo.civitas"))
    for path in ["/feedback/inbox/", "/admin/"]:
        assert client.get(path).status_code == 200, path
