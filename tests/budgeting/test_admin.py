"""Editors create budgeting rounds in the Wagtail admin (phases, district budgets, categories,
ballot and counting settings); the app's audit actions are registered."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.log_actions import registry as log_actions

from budgeting.counting import RULES
from budgeting.models import RULE_CHOICES, BudgetRoundPage
from budgeting.wagtail_hooks import LOG_ACTIONS
from civitas.accounts.models import Role
from civitas.accounts.services import role_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
        data.update(
            {f"{prefix}-{i}-ORDER": str(i + 1), f"{prefix}-{i}-id": "", f"{prefix}-{i}-DELETE": ""}
        )
    return data


def test_editor_creates_a_round_skipping_the_review_phase(client, home_page, districts):
    editor = UserFactory()
    role_assign(user=editor, role=Role.EDITOR, by=None)
    client.force_login(editor)
    now = timezone.now().replace(second=0, microsecond=0)
    data = {
        "title_en": "Budget 2028",
        "slug": "budget-2028",
        "total_budget": "500000",
        "currency": "EUR",
        "ballot_type": "knapsack",
        "min_selections": "1",
        "max_selections": "",
        "points": "10",
        "rank_points": "",
        "ballots_changeable": "on",
        "counting_rule": "mes-add1-greedy",
        "tie_order": "equalshares",
        "tie_lot": "{}",
        "verification": "code",
        "min_age": "16",
        "require_residence": "on",
        "action-publish": "publish",
        **formset(
            "phases",
            [
                {
                    "phase_type": "budgeting.propose",
                    "title_en": "",
                    "description_en": "",
                    "starts_at": local(now),
                    "ends_at": local(now + dt.timedelta(days=10)),
                },
                {
                    "phase_type": "budgeting.vote",
                    "title_en": "",
                    "description_en": "",
                    "starts_at": local(now + dt.timedelta(days=10)),
                    "ends_at": local(now + dt.timedelta(days=20)),
                },
            ],
        ),
        **formset("district_budgets", [{"district": str(districts[0].pk), "budget": "100000"}]),
        **formset("categories", [{"name_en": "Parks", "department_name": "Parks department"}]),
    }
    url = f"/admin/pages/add/budgeting/budgetroundpage/{home_page.pk}/"
    form = client.get(url)
    assert form.status_code == 200, form.get("Location")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = BudgetRoundPage.objects.get(slug="budget-2028")
    assert [p.phase_type for p in page.phase_list()] == ["budgeting.propose", "budgeting.vote"]
    assert page.allows("propose") and page.ballot_type == "knapsack" and page.min_age == 16
    assert [p["budget"] for p in page.pots()] == [500_000, 100_000]
    assert page.categories.get().department_name == "Parks department"


def test_rule_choices_are_the_engines_rules():
    assert [rule for rule, _label in RULE_CHOICES] == list(RULES)


def test_audit_actions_are_registered():
    for action, _label, _message in LOG_ACTIONS:
        assert log_actions.action_exists(action)
