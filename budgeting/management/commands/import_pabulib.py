"""import_pabulib FILE [--slug SLUG]: create a closed round from a pabulib file.

Progress goes to stderr; the round's slug is the last line on stdout (other tools read it).
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from wagtail.models import Page

from budgeting.counting import PabulibError, parse
from budgeting.services import round_import
from civitas.home.models import HomePage


class Command(BaseCommand):
    help = "Create a closed budgeting round with a pabulib file's projects and ballots."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", default="")
        parser.add_argument("--parent", type=int, default=None, help="Parent page id.")

    def handle(self, *args, file, slug, parent, **options):
        self.stderr.write(f"Reading {os.path.basename(file)}")
        try:
            instance = parse(file)
        except (OSError, PabulibError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        home = Page.objects.filter(pk=parent).first() if parent else HomePage.objects.first()
        if home is None:
            raise CommandError("No home page to put the round under (run migrate/demo_city).")
        base = os.path.splitext(os.path.basename(file))[0]
        title = instance.meta.get("description") or base
        siblings = set(home.get_children().values_list("slug", flat=True))
        if slug:
            slug = slugify(slug)
            if not slug or slug in siblings:
                raise CommandError(f"The slug {slug!r} is empty or taken.")
        else:
            stem = slugify(base)[:200] or "round"
            slug, number = stem, 1
            while slug in siblings:
                number += 1
                slug = f"{stem}-{number}"
        self.stderr.write(
            f"{len(instance.projects)} projects, {len(instance.ballots)} ballots, "
            f"budget {instance.budget}"
        )

        def progress(done, total):
            self.stderr.write(f"  ballots {done}/{total}")

        round_page = round_import(
            instance=instance, parent=home.specific, title=title, slug=slug, progress=progress
        )
        self.stdout.write(round_page.slug)
