"""Admin: departments, rules (with their overlaps), settings and webhooks as snippets; the
department scope of the department-member role."""

import pytest

from civitas.accounts.models import Role
from civitas.accounts.scopes import role_scopes
from feedback_loop.models import Department, RoutingRule
from feedback_loop.wagtail_hooks import rule_overlaps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_department_is_the_scope_of_department_members():
    scope = role_scopes.for_model(Department)
    assert scope is not None and Role.DEPARTMENT_MEMBER.value in scope.roles


def test_overlapping_rules_are_shown(streets, parks, topic, district):
    broad = RoutingRule.objects.create(department=streets, topic=topic, priority=10)
    narrow = RoutingRule.objects.create(
        department=parks, topic=topic, district=district, priority=5
    )
    other = RoutingRule.objects.create(
        department=parks, source="budgeting.proposal", topic=None, priority=1
    )
    assert broad.overlaps(narrow) and narrow.overlaps(broad)
    assert other.overlaps(broad)  # no topic on `other`: it matches everything of its type
    assert f"#{narrow.pk}" in rule_overlaps(broad)
    lonely = RoutingRule.objects.create(
        department=parks,
        topic=None,
        source="x",
        process=None,
        district=None,
        priority=2,
        active=False,
    )
    assert rule_overlaps(lonely) == "—"


@pytest.mark.parametrize("model", ["department", "routingrule", "processsettings", "webhook"])
def test_admin_lists_render(client, model, streets, rules):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(f"/admin/snippets/feedback_loop/{model}/")
    assert response.status_code == 200
