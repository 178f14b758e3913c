"""The degrees, academic titles and ranks that programmes print, so imports can recognise them.

Spelled as the printed programmes spell them (see fixtures/roundtable-2025-05-23.yaml). Degrees
are printed by their abbreviation; the PhD is printed by its name, so it has none in kk and ru.
"""

from django.db import migrations

# (name, abbreviation) in kk, ru and en.
DEGREES = [
    {
        "kk": ("заң ғылымдарының докторы", "з.ғ.д."),
        "ru": ("доктор юридических наук", "д.ю.н."),
        "en": ("Doctor of Law", "LL.D."),
    },
    {
        "kk": ("заң ғылымдарының кандидаты", "з.ғ.к."),
        "ru": ("кандидат юридических наук", "к.ю.н."),
        "en": ("Candidate of Legal Sciences", "Cand.Sc. (Law)"),
    },
    {
        "kk": ("заң ғылымдарының магистрі", "з.ғ.м."),
        "ru": ("магистр юридических наук", "м.ю.н."),
        "en": ("Master of Law", "LL.M."),
    },
    {
        "kk": ("философия докторы (PhD)", ""),
        "ru": ("доктор философии (PhD)", ""),
        "en": ("Doctor of Philosophy (PhD)", "PhD"),
    },
]

ACADEMIC_TITLES = [
    {"kk": "профессор", "ru": "профессор", "en": "Professor"},
    {
        "kk": "қауымдастырылған профессор (доцент)",
        "ru": "ассоциированный профессор (доцент)",
        "en": "Associate Professor",
    },
]

RANKS = [
    {"kk": "полиция полковнигі", "ru": "полковник полиции", "en": "Police Colonel"},
    {
        "kk": "полиция подполковнигі",
        "ru": "подполковник полиции",
        "en": "Police Lieutenant Colonel",
    },
    {"kk": "полиция майоры", "ru": "майор полиции", "en": "Police Major"},
    {"kk": "полиция капитаны", "ru": "капитан полиции", "en": "Police Captain"},
    {
        "kk": "полиция аға лейтенанты",
        "ru": "старший лейтенант полиции",
        "en": "Police Senior Lieutenant",
    },
    {"kk": "полиция лейтенанты", "ru": "лейтенант полиции", "en": "Police Lieutenant"},
]


def names(term):
    """Columns of a vocabulary entry; the untranslated column holds the default language (kk)."""
    return {"name": term["kk"], **{f"name_{language}": name for language, name in term.items()}}


def seed(apps, schema_editor):
    Degree = apps.get_model("speakers", "Degree")
    AcademicTitle = apps.get_model("speakers", "AcademicTitle")
    Rank = apps.get_model("speakers", "Rank")
    for degree in DEGREES:
        columns = {"name": degree["kk"][0], "abbreviation": degree["kk"][1]}
        for language, (name, abbreviation) in degree.items():
            columns[f"name_{language}"] = name
            columns[f"abbreviation_{language}"] = abbreviation
        Degree.objects.update_or_create(name_kk=columns["name_kk"], defaults=columns)
    for model, terms in ((AcademicTitle, ACADEMIC_TITLES), (Rank, RANKS)):
        for term in terms:
            model.objects.update_or_create(name_kk=term["kk"], defaults=names(term))


def unseed(apps, schema_editor):
    apps.get_model("speakers", "Degree").objects.filter(
        name_kk__in=[degree["kk"][0] for degree in DEGREES]
    ).delete()
    for model_name, terms in (("AcademicTitle", ACADEMIC_TITLES), ("Rank", RANKS)):
        apps.get_model("speakers", model_name).objects.filter(
            name_kk__in=[term["kk"] for term in terms]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("speakers", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
