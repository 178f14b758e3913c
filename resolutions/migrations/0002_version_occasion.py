import re

from django.db import migrations, models


def occasions_from_notes(apps, schema_editor):
    """Notes were text in the language of the moment; keep what they said as data.

    Amendment notes carry the amendment's number; a version saved by nobody was imported; any
    other note named the new status.
    """
    versions = apps.get_model("resolutions", "ResolutionVersion").objects.exclude(note="")
    for version in versions:
        number = re.search(r"\d+", version.note)
        if number:
            version.occasion, version.amendment_number = "amendment", int(number.group())
        elif version.created_by_id is None:
            version.occasion = "import"
        else:
            version.occasion = "status"
        version.save(update_fields=["occasion", "amendment_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="resolutionversion",
            name="amendment_number",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="amendment No."
            ),
        ),
        migrations.AddField(
            model_name="resolutionversion",
            name="occasion",
            field=models.CharField(
                choices=[
                    ("edit", "Edited"),
                    ("import", "Imported"),
                    ("status", "Status changed"),
                    ("amendment", "Amendment accepted"),
                ],
                default="edit",
                max_length=10,
                verbose_name="occasion",
            ),
        ),
        migrations.RunPython(occasions_from_notes, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="resolutionversion",
            name="note",
        ),
    ]
