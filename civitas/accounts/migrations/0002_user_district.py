import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Separate from 0001 because participation depends on Wagtail, which depends on the user model.
    dependencies = [
        ("accounts", "0001_initial"),
        ("participation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="participation.district",
                verbose_name="district",
            ),
        ),
    ]
