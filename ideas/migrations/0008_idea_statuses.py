"""Idea statuses become rows editors manage (label and description translated, an order, a
fixed meaning); ideas and their history point at a status by its code, so stored codes, links
(?status=accepted) and the API keep working.

The six statuses that were fixed in code are created with their codes. Going back maps any
status added since to the first default of the same meaning, so the old check holds again.
SQLite rebuilds ideas_idea for the foreign key, which drops the search triggers: they are
made again afterwards (and before going back past this migration, for the same reason).
"""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext

import ideas.models

search = import_module("ideas.migrations.0006_idea_search")

# code, meaning, label, public description (msgids, so catalogues keep them translated).
DEFAULTS = [
    ("submitted", "open", "Submitted", "Received; the city has not looked at it yet."),
    ("under_review", "under_review", "Under review", "The city is looking at it."),
    ("accepted", "accepted", "Accepted", "The city has decided to carry it out."),
    ("in_progress", "in_progress", "In progress", "Work on it has started."),
    ("implemented", "done", "Implemented", "It was carried out."),
    (
        "not_pursued",
        "declined",
        "Not pursued",
        "The city will not carry it out; the official answer says why.",
    ),
]


def _marked_for_translation():
    """Never called: lets makemessages find the msgids above."""
    gettext("Submitted")
    gettext("Received; the city has not looked at it yet.")
    gettext("Under review")
    gettext("The city is looking at it.")
    gettext("Accepted")
    gettext("The city has decided to carry it out.")
    gettext("In progress")
    gettext("Work on it has started.")
    gettext("Implemented")
    gettext("It was carried out.")
    gettext("Not pursued")
    gettext("The city will not carry it out; the official answer says why.")


def _translated(text: str) -> dict:
    """`text` in every language whose catalogue translates it (English is the fallback)."""
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            value = gettext(text)
        if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE or value != text:
            values[code] = value
    return values


def create_defaults(apps, schema_editor):
    """The default statuses (also run after a flush empties the table: ideas.receivers)."""
    IdeaStatus = apps.get_model("ideas", "IdeaStatus")
    for order, (code, meaning, label, description) in enumerate(DEFAULTS, start=1):
        fields = {"label": label, "description": description}
        for language, value in _translated(label).items():
            fields[f"label_{language}"] = value
        for language, value in _translated(description).items():
            fields[f"description_{language}"] = value
        IdeaStatus.objects.get_or_create(
            code=code, defaults={"meaning": meaning, "sort_order": order * 10, **fields}
        )


def back_to_default_codes(apps, schema_editor):
    """Ideas with a status added later get the first default status of the same meaning."""
    IdeaStatus = apps.get_model("ideas", "IdeaStatus")
    Idea = apps.get_model("ideas", "Idea")
    IdeaHistoryEntry = apps.get_model("ideas", "IdeaHistoryEntry")
    by_meaning = {}
    for code, meaning, _label, _description in DEFAULTS:
        by_meaning.setdefault(meaning, code)
    defaults = {code for code, *_rest in DEFAULTS}
    for status in IdeaStatus.objects.exclude(code__in=defaults):
        target = by_meaning[status.meaning]
        Idea.objects.filter(status=status.code).update(status=target)
        IdeaHistoryEntry.objects.filter(status=status.code).update(status=target)


def history_blank_to_null(apps, schema_editor):
    apps.get_model("ideas", "IdeaHistoryEntry").objects.filter(status="").update(status=None)


def history_null_to_blank(apps, schema_editor):
    entries = apps.get_model("ideas", "IdeaHistoryEntry").objects
    entries.filter(status__isnull=True).update(status="")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0007_idea_image")]

    operations = [
        # Going back rebuilds ideas_idea on SQLite once more: the triggers are made last then.
        migrations.RunPython(migrations.RunPython.noop, search.create_search),
        migrations.CreateModel(
            name="IdeaStatus",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text="Used in links and the API, e.g. ?status=accepted. It cannot "
                        "change once ideas have this status.",
                        max_length=20,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                ("label", models.CharField(max_length=60, verbose_name="label")),
                ("label_en", models.CharField(max_length=60, null=True, verbose_name="label")),
                ("label_es", models.CharField(max_length=60, null=True, verbose_name="label")),
                ("label_fr", models.CharField(max_length=60, null=True, verbose_name="label")),
                ("label_ar", models.CharField(max_length=60, null=True, verbose_name="label")),
                (
                    "description",
                    models.CharField(
                        blank=True,
                        help_text="One sentence shown with the status on an idea's page.",
                        max_length=300,
                        verbose_name="public description",
                    ),
                ),
                *[
                    (
                        f"description_{language}",
                        models.CharField(
                            blank=True,
                            help_text="One sentence shown with the status on an idea's page.",
                            max_length=300,
                            null=True,
                            verbose_name="public description",
                        ),
                    )
                    for language in ("en", "es", "fr", "ar")
                ],
                (
                    "meaning",
                    models.CharField(
                        choices=[
                            ("open", "Open: received, not looked at yet"),
                            ("under_review", "Under review"),
                            ("accepted", "Accepted"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("declined", "Declined"),
                        ],
                        help_text="What the status means for the platform: answers to cases "
                        "pick a status by its meaning, and done or declined ideas are shown as "
                        "closed.",
                        max_length=20,
                        verbose_name="meaning",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lists show statuses from the lowest number up.",
                        verbose_name="order",
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="An inactive status stays on the ideas that have it but can "
                        "no longer be chosen.",
                        verbose_name="active",
                    ),
                ),
            ],
            options={
                "verbose_name": "idea status",
                "verbose_name_plural": "idea statuses",
                "ordering": ["sort_order", "pk"],
            },
        ),
        migrations.RemoveConstraint(model_name="idea", name="idea_status_known"),
        migrations.RunPython(create_defaults, back_to_default_codes),
        migrations.AlterField(
            model_name="ideahistoryentry",
            name="status",
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.RunPython(history_blank_to_null, history_null_to_blank),
        migrations.AlterField(
            model_name="idea",
            name="status",
            field=models.ForeignKey(
                db_column="status",
                default=ideas.models.initial_status_code,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ideas",
                to="ideas.ideastatus",
                to_field="code",
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="ideahistoryentry",
            name="status",
            field=models.ForeignKey(
                blank=True,
                db_column="status",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ideas.ideastatus",
                to_field="code",
            ),
        ),
        migrations.RunPython(search.create_search, migrations.RunPython.noop),
    ]
