"""export_pabulib SLUG [--district SLUG] [--output FILE]: a round as a pabulib file."""

from django.core.management.base import BaseCommand, CommandError

from budgeting.counting import write
from budgeting.tallying import instance_for

from .tally_round import round_by_slug


class Command(BaseCommand):
    help = "Write a round (one pot) as a pabulib file, ballots anonymised."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--district", default="", help="District slug (default: city-wide).")
        parser.add_argument("--output", default="", help="File to write (default: stdout).")

    def handle(self, *args, slug, district, output, **options):
        round_page = round_by_slug(slug)
        pots = {p["district"].slug if p["district"] else "": p for p in round_page.pots()}
        if district not in pots:
            raise CommandError(f"The round has no budget for {district or 'the whole city'!r}.")
        pot = pots[district]
        instance = instance_for(
            round_page, pot["district"].pk if pot["district"] else None, pot["budget"]
        )
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                write(instance, handle)
        else:
            write(instance, self.stdout)
