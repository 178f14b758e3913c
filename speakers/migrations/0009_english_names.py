"""People stored before names had an English form get the suggested one (speakers.english_names)."""

from django.db import migrations
from django.db.models import Q

from speakers import english_names


def suggest_english_names(apps, schema_editor):
    Person = apps.get_model("speakers", "Person")
    for person in Person.objects.filter(Q(surname_en__isnull=True) | Q(surname_en="")):
        english_names.suggest(person)
        person.save(update_fields=[f"{field}_en" for field in english_names.NAME_FIELDS])


class Migration(migrations.Migration):
    dependencies = [("speakers", "0008_review_letters")]

    operations = [migrations.RunPython(suggest_english_names, migrations.RunPython.noop)]
