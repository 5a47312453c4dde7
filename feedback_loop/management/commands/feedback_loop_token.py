"""Issue or revoke a department's API token; the token is shown once and stored only hashed."""

from django.core.management.base import BaseCommand, CommandError

from civitas.core.errors import DomainError
from feedback_loop.models import Department, DepartmentToken
from feedback_loop.services import token_issue, token_revoke


class Command(BaseCommand):
    help = "Issue an API token for a department (printed once), or revoke one by its id."

    def add_arguments(self, parser):
        parser.add_argument("department", help="The department's slug.")
        parser.add_argument("--label", default="case system")
        parser.add_argument("--revoke", type=int, help="Revoke the token with this id.")

    def handle(self, *args, department, label, revoke, **options):
        found = Department.objects.filter(slug=department).first()
        if found is None:
            raise CommandError(f"No department with the slug {department!r}.")
        if revoke:
            token = DepartmentToken.objects.filter(
                pk=revoke, department=found, revoked_at__isnull=True
            ).first()
            if token is None:
                raise CommandError("No active token with this id for this department.")
            token_revoke(token=token, by=None)
            self.stdout.write(f"Token {revoke} revoked.")
            return
        try:
            token, raw = token_issue(department=found, label=label, by=None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Token {token.pk} for {found}: {raw}")
        self.stdout.write("Keep it now: it is stored only as a hash and cannot be shown again.")
