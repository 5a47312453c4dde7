"""tally_round SLUG --rule RULE [--json]: count a round's stored ballots.

With --json, stdout is one JSON object {"winners": [project ids], "spent": N}.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from budgeting.counting import RULES
from budgeting.models import BudgetRoundPage
from budgeting.tallying import count_pot, stored_ballots


def round_by_slug(slug: str) -> BudgetRoundPage:
    rounds = list(BudgetRoundPage.objects.filter(slug=slug)[:2])
    if not rounds:
        raise CommandError(f"No budgeting round with the slug {slug!r}.")
    if len(rounds) > 1:
        raise CommandError(f"Several rounds have the slug {slug!r}.")
    return rounds[0]


class Command(BaseCommand):
    help = "Count a round's ballots with one of the engine's rules."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--rule", required=True, choices=RULES)
        parser.add_argument(
            "--tie-order", default="pabutools", choices=("pabutools", "equalshares")
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, slug, rule, tie_order, json: bool, **options):
        round_page = round_by_slug(slug)
        ballots = stored_ballots(round_page)
        winners, spent = [], 0
        for pot in round_page.pots():
            result = count_pot(
                round_page,
                pot["district"].pk if pot["district"] else None,
                pot["budget"],
                rule,
                tie_order,
                ballots,
            )
            winners += result["winner_ids"]
            spent += result["spent"]
        if json:
            self.stdout.write(_dumps({"winners": winners, "spent": spent}))
        else:
            self.stdout.write(f"{len(winners)} winners, {spent} spent: {', '.join(winners)}")


def _dumps(value) -> str:
    return json.dumps(value)
