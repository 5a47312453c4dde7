"""The demo city the README's first command builds: every app's data, working pages, no mail."""

from io import StringIO

from django.core.management import call_command
from django.db.models import F

from budgeting.models import Proposal
from civitas.accounts.models import User
from civitas.interactions.models import Support
from civitas.interactions.selectors import count_subquery, visible_comments
from civitas.interactions.targets import content_type_of
from ideas.models import Idea

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

    counts = (Idea.objects.count(), Proposal.objects.count(), User.objects.count())
    build()
    assert (Idea.objects.count(), Proposal.objects.count(), User.objects.count()) == counts

    client.force_login(User.objects.get(email="taskforce@demo.civitas"))
    for path in ["/feedback/inbox/", "/admin/"]:
        assert client.get(path).status_code == 200, path
