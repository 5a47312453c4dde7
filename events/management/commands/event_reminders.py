"""Queue the reminders for sessions starting soon; run it from a scheduler (cron, systemd timer)
every hour or so: each registration is reminded once, however often it runs."""

from django.core.management.base import BaseCommand

from events.tasks import send_event_reminders


class Command(BaseCommand):
    help = "Remind people registered for sessions that start within the given number of hours."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        result = send_event_reminders.enqueue(hours_ahead=hours)
        if result.is_finished:
            self.stdout.write(f"Reminders sent: {result.return_value}")
        else:
            self.stdout.write(f"Reminders queued as task {result.id}")
