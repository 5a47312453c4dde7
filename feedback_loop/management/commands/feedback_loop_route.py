"""Route every case still new (after an import of old input, or when routing failed)."""

from django.core.management.base import BaseCommand

from feedback_loop.services import cases_route_pending


class Command(BaseCommand):
    help = "Route the cases that are still new by the routing rules, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        result = cases_route_pending(batch_size=max(1, min(batch_size, 5000)))
        self.stdout.write(f"routed: {result['routed']}, to triage: {result['triage']}")
