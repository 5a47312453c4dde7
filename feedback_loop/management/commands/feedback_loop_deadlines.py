"""Run by a scheduler (cron, systemd timer) every hour or so: reminders, escalations, retries."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from feedback_loop.tasks import run_deadlines


class Command(BaseCommand):
    help = (
        "Remind departments of answers due soon, escalate overdue cases to the taskforce and "
        "retry due webhook deliveries. Safe to run as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue the work as a task.")
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for checks).")

    def handle(self, *args, queue, today, **options):
        if queue:
            result = run_deadlines.enqueue()
            self.stdout.write(f"Queued as task {result.id}.")
            return
        if today:
            from feedback_loop.services import deadlines_run

            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("--today must be a date as YYYY-MM-DD") from exc
            result = deadlines_run(today=day)
        else:
            result = run_deadlines.call()
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
