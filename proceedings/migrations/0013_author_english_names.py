"""Authors stored before their names had an English form get one (speakers.english_names): their
person's English name when they are on the roster, else their own name in Latin letters."""

from django.db import migrations
from django.db.models import Q

from speakers import english_names


def suggest_english_names(apps, schema_editor):
    Author = apps.get_model("proceedings", "Author")
    unnamed = Author.objects.filter(Q(surname_en__isnull=True) | Q(surname_en=""))
    for author in unnamed.select_related("person"):
        english_names.suggest(author, author.person)
        author.save(update_fields=[f"{field}_en" for field in english_names.NAME_FIELDS])


class Migration(migrations.Migration):
    dependencies = [("proceedings", "0012_licence_and_country"), ("speakers", "0009_english_names")]

    operations = [migrations.RunPython(suggest_english_names, migrations.RunPython.noop)]
