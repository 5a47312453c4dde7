from importlib import import_module

from django.db import migrations, models

import civitas.core.text

# Adding these columns makes SQLite rebuild ideas_idea, which drops the search triggers.
search = import_module("ideas.migrations.0006_idea_search")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0006_idea_search")]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="image",
            field=models.ImageField(blank=True, upload_to="ideas/%Y/%m/", verbose_name="image"),
        ),
        migrations.AddField(
            model_name="idea",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for people who cannot see it.",
                max_length=200,
                validators=[civitas.core.text.validate_clean_text],
                verbose_name="image description",
            ),
        ),
        migrations.RunPython(search.create_search, migrations.RunPython.noop),
    ]
