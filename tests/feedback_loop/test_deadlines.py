"""Due dates in working days, reminders before them and escalation after, with moved time."""

import datetime as dt

import pytest
from django.core.management import call_command

from civitas.core.models import CitySettings, LocalHoliday
from civitas.notifications.models import Notification
from feedback_loop import services
from feedback_loop.models import ProcessSettings

pytestmark = pytest.mark.django_db


def test_due_date_skips_weekends_and_holidays(home_page, submit, rules, topic, case_of, challenge):
    from wagtail.models import Site

    city = CitySettings.for_site(Site.objects.get(is_default_site=True))
    city.holidays_country = "BE"
    city.save()
    LocalHoliday.objects.create(settings=city, date=dt.date(2026, 12, 2), name="City day")
    ProcessSettings.objects.create(process=challenge, answer_working_days=5)
    case = case_of(submit(topic=topic))
    # Friday 27 Nov + 5 working days: Mon 30, Tue 1, (Wed 2 off), Thu 3, Fri 4, Mon 7.
    assert services.due_date_for(case, dt.date(2026, 11, 27)) == dt.date(2026, 12, 7)
    # Christmas (Fri 25) and New Year (Fri 1) are national holidays in Belgium:
    # Thu 24, Mon 28, Tue 29, Wed 30, Thu 31.
    assert services.due_date_for(case, dt.date(2026, 12, 23)) == dt.date(2026, 12, 31)


def test_reminder_then_escalation_each_once(
    submit, rules, topic, case_of, streets_member, taskforce
):
    case = case_of(submit(topic=topic))
    due = case.due_date
    before = due - dt.timedelta(days=1)
    assert services.deadlines_run(today=due - dt.timedelta(days=30)) == {
        "reminded": 0,
        "escalated": 0,
    }
    assert services.deadlines_run(today=before) == {"reminded": 1, "escalated": 0}
    assert services.deadlines_run(today=before) == {"reminded": 0, "escalated": 0}
    assert (
        Notification.objects.filter(recipient=streets_member, kind="feedback_loop.deadline").count()
        == 1
    )
    after = due + dt.timedelta(days=1)
    assert services.deadlines_run(today=after) == {"reminded": 0, "escalated": 1}
    assert services.deadlines_run(today=after) == {"reminded": 0, "escalated": 0}
    assert (
        Notification.objects.filter(recipient=taskforce, kind="feedback_loop.deadline").count() == 1
    )
    case.refresh_from_db()
    assert case.reminded_at and case.escalated_at
    assert list(
        case.events.filter(action__in=["reminded", "escalated"]).values_list("action", flat=True)
    ) == ["reminded", "escalated"]


def test_answered_cases_are_not_chased(submit, rules, topic, case_of, streets_member, taskforce):
    case = case_of(submit(topic=topic))
    services.case_mark_out_of_scope(case=case, reason="Regional", by=taskforce)
    assert services.deadlines_run(today=case.due_date + dt.timedelta(days=5)) == {
        "reminded": 0,
        "escalated": 0,
    }


def test_reassignment_restarts_the_clock(submit, rules, topic, case_of, taskforce, parks):
    case = case_of(submit(topic=topic))
    services.deadlines_run(today=case.due_date + dt.timedelta(days=1))
    services.case_assign(case=case, department=parks, by=taskforce, reason="Park land")
    case.refresh_from_db()
    assert case.escalated_at is None and case.reminded_at is None


def test_overdue_shown_in_inbox(client, submit, rules, topic, case_of, streets_member):
    from django.urls import reverse

    from feedback_loop.models import Case

    case = case_of(submit(topic=topic))
    Case.objects.filter(pk=case.pk).update(due_date=dt.date(2020, 1, 6))
    client.force_login(streets_member)
    response = client.get(reverse("feedback_loop:inbox"))
    assert response.context["counts"]["overdue"] == 1
    row = response.context["cases"][0]
    assert row.overdue and row.days_overdue > 0
    assert "overdue by" in response.content.decode()


def test_command_runs_and_checks_its_date(submit, rules, topic, case_of, capsys):
    case = case_of(submit(topic=topic))
    call_command(
        "feedback_loop_deadlines", "--today", (case.due_date + dt.timedelta(days=2)).isoformat()
    )
    assert "escalated: 1" in capsys.readouterr().out
    call_command("feedback_loop_deadlines")
    assert "webhooks_retried: 0" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("feedback_loop_deadlines", "--today", "someday")
