# The items' revisions now live in their releases (0008 copied them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roundtable", "0008_schedule_releases"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="programmeitem",
            name="sequence",
        ),
    ]
