import datetime
import io
from collections import Counter

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation

from imports.reading import ImportFailed
from imports.round_tables import import_roundtable
from resolutions import drafting
from resolutions.models import Resolution, ResolutionItem, ResolutionSection, ResolutionVersion
from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Participation, Person
from tests import factories

FIXTURE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
SLUG = "public-safety-2025"

pytestmark = pytest.mark.django_db


@pytest.fixture
def text():
    return FIXTURE.read_text(encoding="utf-8")


def edited(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


def line_of(text, fragment):
    return text[: text.index(fragment)].count("\n") + 1


def row_counts():
    return [model.objects.count() for model in (RoundTable, Person, ProgrammeItem, Participation)]


RESOLUTION_MODELS = (Resolution, ResolutionSection, ResolutionItem, ResolutionVersion)


def primary_keys():
    return [
        sorted(model.objects.values_list("pk", flat=True))
        for model in (RoundTable, Person, ProgrammeItem, Participation, *RESOLUTION_MODELS)
    ]


def resolution_rows():
    return [model.objects.count() for model in RESOLUTION_MODELS]


def printed_resolution(text):
    return yaml.safe_load(text)["resolution"]


def texts_of(instance, field):
    return {code: getattr(instance, f"{field}_{code}") for code in ("kk", "ru")}


def test_the_demo_file_imports_the_round_table():
    result = import_roundtable(FIXTURE)

    assert row_counts() == [1, 25, 27, 25]
    assert result.created.total() == 1 + 25 + 27 + 25 + 1 + 6 + 18
    event = RoundTable.objects.get(slug=SLUG)
    assert event.published
    assert event.format == RoundTable.Format.MIXED
    assert event.theme_ru.startswith("Обеспечение общественной безопасности")
    assert event.address_kk == "Өтепов көшесі 29"
    assert event.moderator.slug == "korzhumbaeva"
    participations = event.participations.all()
    assert sum(p.is_listed for p in participations) == 24
    assert sum(p.is_speaker for p in participations) == 25
    assert [p.person.slug for p in participations][:3] == [
        "dilbarkhanova",
        "shumaev",
        "korzhumbaeva",
    ]
    # ЖАЛАЛОВ speaks but is not in the printed participant list: he comes after the listed.
    zhalalov = event.participations.get(person__slug="zhalalov")
    assert (zhalalov.is_listed, zhalalov.order) == (False, 24)


def test_patronymics_are_kept_per_language():
    import_roundtable(FIXTURE)

    koyshken = Person.objects.get(slug="koyshken")
    assert (koyshken.patronymic_kk, koyshken.patronymic_ru) == ("Талғатұлы", "Талгатович")
    kasen = Person.objects.get(slug="kasen")
    assert (kasen.patronymic_kk, kasen.patronymic_ru) == ("", "")


def test_printed_positions_are_the_lines_of_the_file_exactly(text):
    import_roundtable(FIXTURE)

    for entry in yaml.safe_load(text)["people"]:
        person = Person.objects.get(slug=entry["id"])
        assert person.printed_position_kk == entry["position"]["kk"]
        assert person.printed_position_ru == entry["position"]["ru"]


def test_degree_title_and_rank_are_read_from_the_printed_position():
    import_roundtable(FIXTURE)
    people = Person.objects.select_related("degree", "academic_title", "rank").in_bulk(
        field_name="slug"
    )

    korzhumbaeva = people["korzhumbaeva"]
    assert korzhumbaeva.degree.abbreviation_ru == "к.ю.н."
    assert korzhumbaeva.academic_title.name_ru == "профессор"
    assert korzhumbaeva.rank.name_ru == "полковник полиции"
    assert korzhumbaeva.position_kk.endswith("пәндер кафедрасының бастығы")
    assert people["dilbarkhanova"].position_ru == (
        "заместитель начальника Алматинской академии МВД Республики Казахстан им. М. Есбулатова"
    )
    # 'профессор кафедры' is a post, not the title; the PhD is printed without a comma.
    rakhmet = people["rakhmet"]
    assert rakhmet.degree.name_ru == "доктор философии (PhD)"
    assert (rakhmet.academic_title, rakhmet.rank) == (None, None)
    assert rakhmet.position_ru.startswith("профессор кафедры")
    assert people["kultemirova"].academic_title.name_ru == "ассоциированный профессор (доцент)"
    assert people["zhalalov"].rank.name_ru == "старший лейтенант полиции"
    assert people["aytuganov"].position_ru == "магистрант Академии КНБ Республики Казахстан"


def test_titles_are_stored_in_their_language_and_the_closing_comes_last():
    import_roundtable(FIXTURE)
    programme = list(RoundTable.objects.get(slug=SLUG).programme_items.all())

    assert [item.order for item in programme] == list(range(27))
    shumaev_talk = programme[1]
    assert (shumaev_talk.title_language, shumaev_talk.title_ru) == ("kk", "")
    assert shumaev_talk.title_kk.startswith("Патрульдік полиция")
    assert [p.slug for p in shumaev_talk.speakers.all()] == ["shumaev"]
    closing = programme[-1]
    assert (closing.kind, closing.start, closing.end) == ("closing", None, None)
    assert closing.title_ru == "Подведение итогов, завершение работы круглого стола"


def test_the_demo_reads_in_english_theme_and_titles_translated_names_in_latin():
    import_roundtable(FIXTURE)
    event = RoundTable.objects.get(slug=SLUG)

    assert event.theme_en.startswith("Ensuring Public Safety")
    shumaev_talk = event.programme_items.all()[1]
    assert (shumaev_talk.title_language, shumaev_talk.title_ru) == ("kk", "")
    assert shumaev_talk.title_en.startswith("Relations between the patrol police")
    # The file gives no English names: they are written from the Kazakh as passports do.
    koyshken = Person.objects.get(slug="koyshken")
    assert (koyshken.surname_en, koyshken.given_name_en, koyshken.patronymic_en) == (
        "KOISHKEN",
        "Anuar",
        "Talgatuly",
    )


def test_an_english_name_or_title_corrected_in_the_admin_survives_a_new_import(text):
    import_roundtable(text)
    Person.objects.filter(slug="koyshken").update(surname_en="KOYSHKEN")
    changed = edited(text, '      en: "Opening remarks"\n', "")

    result = import_roundtable(changed)

    assert result.updated.total() == 0
    assert Person.objects.get(slug="koyshken").surname_en == "KOYSHKEN"
    assert ProgrammeItem.objects.get(order=0).title_en == "Opening remarks"


def test_importing_the_same_file_again_changes_nothing():
    import_roundtable(FIXTURE)
    keys = primary_keys()

    result = import_roundtable(FIXTURE)

    assert (result.created.total(), result.updated.total(), result.deleted.total()) == (0, 0, 0)
    assert primary_keys() == keys
    assert result.released is None  # the public programme is already the file's


def test_an_import_releases_the_programme_it_writes(text):
    first = import_roundtable(text)
    event = RoundTable.objects.get(slug=SLUG)
    assert first.released == 1
    assert event.current_release.items.count() == 27

    welcome = edited(text, '      en: "Opening remarks"\n', '      en: "Welcome"\n')
    result = import_roundtable(welcome)

    event.refresh_from_db()
    assert result.released == event.current_release.version == 2
    assert event.current_release.items.get(order=0).title_en == "Welcome"


def test_an_edited_file_updates_in_place(text):
    import_roundtable(text)
    keys = primary_keys()

    changed = edited(text, "Мировая практика внедрения", "Мировой опыт внедрения")
    result = import_roundtable(changed)

    assert result.updated == Counter({ProgrammeItem: 1})
    assert primary_keys() == keys
    item = ProgrammeItem.objects.get(order=8)
    assert item.title_ru == "Мировой опыт внедрения сервисной модели полиции"


def test_a_title_moved_to_another_language_leaves_no_trace_in_the_old_one(text):
    import_roundtable(text)
    old = (
        '    title:\n      ru: "Мировая практика внедрения сервисной модели полиции"\n'
        '      en: "World practice of introducing the service model of policing"\n'
        "    language: ru"
    )
    new = '    title: "Полиция қызметінің сервистік моделі"\n    language: kk'

    import_roundtable(edited(text, old, new))

    item = ProgrammeItem.objects.get(order=8)
    assert (item.title_kk, item.title_ru, item.title_language) == (
        "Полиция қызметінің сервистік моделі",
        "",
        "kk",
    )


def test_a_new_moderator_and_a_dropped_participant(text):
    import_roundtable(text)
    changed = edited(text, "moderator: korzhumbaeva", "moderator: dilbarkhanova")
    changed = edited(changed, "speaker: sadykov", "speaker: null")
    changed = edited(changed, "  - sadykov\n", "")

    result = import_roundtable(changed)

    event = RoundTable.objects.get(slug=SLUG)
    assert event.moderator.slug == "dilbarkhanova"
    assert not event.participations.filter(person__slug="sadykov").exists()
    assert Person.objects.filter(slug="sadykov").exists()
    assert result.deleted == Counter({Participation: 1})


def test_items_left_out_of_the_file_are_deleted(text):
    import_roundtable(text)
    closing = text[
        text.index("  # source lines: kk 579") : text.index("# Order of the kk participant")
    ]

    result = import_roundtable(text.replace(closing, "\n"))

    assert result.deleted == Counter({ProgrammeItem: 1})
    programme = RoundTable.objects.get(slug=SLUG).programme_items.all()
    assert [item.kind for item in programme][-1] == "discussion"
    assert len(programme) == 26


def test_a_yaml_syntax_error_names_its_line(text):
    broken = edited(text, '    end: "09:10"\n', '    end: "09:10"\n   kind talk\n')

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    assert str(failure.value).startswith(f"line {line_of(broken, '   kind talk')}:")


def test_an_unknown_speaker_names_line_and_key_and_writes_nothing(text):
    broken = edited(text, "speaker: sadykov", "speaker: nobody")

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    assert str(failure.value) == (
        f"line {line_of(broken, 'speaker: nobody')}: programme[24].speaker: "
        "unknown person 'nobody' (not in people)"
    )
    assert row_counts() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("kk", "-жол: programme[24].speaker: белгісіз тұлға «nobody» (people тізімінде жоқ)"),
        ("ru", ": programme[24].speaker: неизвестная персона «nobody» (отсутствует в people)"),
    ],
)
def test_errors_are_reported_in_the_organisers_language(text, language, message):
    broken = edited(text, "speaker: sadykov", "speaker: nobody")
    with translation.override(language), pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)
    assert str(failure.value).endswith(message)


def test_a_failure_while_writing_rolls_everything_back(text):
    # The people before it are valid and written first; the too long title fails on saving.
    broken = edited(text, "Мировая практика внедрения", "Мировая практика внедрения" * 30)

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    item_line = line_of(broken, 'start: "10:10"')
    assert str(failure.value).startswith(f"line {item_line}: programme[8]: ")
    assert row_counts() == [0, 0, 0, 0]


def test_overlapping_items_name_both(text):
    broken = edited(text, 'start: "09:20"', 'start: "09:15"')

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    message = str(failure.value)
    first, second = line_of(broken, 'start: "09:10"'), line_of(broken, 'start: "09:15"')
    assert message.startswith(f"line {first}: programme[2]: overlaps programme[3] at line {second}")
    assert "09:10–09:20 overlaps" in message
    assert row_counts() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("  venue:\n", "  venu: x\n  venue:\n", "event.venu: unknown key"),
        ('start: "09:00"\n  venue', 'start: "9"\n  venue', "event.start: expected a time"),
        ("date: 2025-05-23", "date: 2025-02-30", "2025-02-30 is not a valid date"),
        ("date: 2025-05-23", "date: 9999-12-31", "event.date: Enter a date between 1990 and 2100."),
        ("date: 2025-05-23", "date: 1900-05-23", "event.date: Enter a date between 1990 and 2100."),
        ("format: {kk", "format: hybrid\n  # {kk", "event.format: expected one of"),
        ("kind: opening", "kind: lecture", "programme[0].kind: expected one of"),
        ("- id: ten", "- id: shumaev  # was ten", "people[2].id: duplicate person id 'shumaev'"),
        (
            'given_name: {kk: "Серик", ru: "Серик"}',
            'given_name: {kk: "Серик"}',
            "people[1].given_name: missing key ru",
        ),
        (
            "  - kurbanov\n",
            "  - kurbanov\n  - kurbanov  # again\n",
            "participants[5]: 'kurbanov' is listed twice",
        ),
    ],
)
def test_invalid_values_are_named_with_their_line(text, old, new, problem):
    broken = edited(text, old, new)
    changed_line = next(line for line in new.splitlines() if line not in old.splitlines())

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    assert str(failure.value).startswith(f"line {line_of(broken, changed_line)}: {problem}")
    assert row_counts() == [0, 0, 0, 0]


# --- The resolution ------------------------------------------------------------------------------


def test_the_demo_file_imports_the_printed_resolution_as_published(text):
    import_roundtable(text)

    resolution = Resolution.objects.get(event__slug=SLUG)
    assert resolution.status == Resolution.Status.PUBLISHED
    assert (resolution.adopted_on, resolution.adopted_by) == (datetime.date(2025, 5, 23), None)
    assert not resolution.status_changes.exists()
    sections = list(resolution.sections.prefetch_related("items"))
    assert [section.position for section in sections] == [1, 2, 3, 4, 5, 6]
    assert [len(section.items.all()) for section in sections] == [3] * 6
    assert sections[1].lead_ru == "Для укрепления доверия к полиции необходимо:"
    assert sections[1].heading_kk == (
        "Ішкі істер басқармасының халық алдындағы ашықтығы мен жауапкершілігін арттыру"
    )
    assert sections[0].items.all()[1].text_ru == (
        "инициировать создание и поддержку общественных советов при органах внутренних дел "
        "на всех уровнях;"
    )
    # Every text exactly as printed, kk and ru; English is the portal's to add.
    printed = printed_resolution(text)
    for field in ("title", "preamble", "closing"):
        assert texts_of(resolution, field) == printed[field]
        assert not getattr(resolution, f"{field}_en")
    for section, entry in zip(sections, printed["sections"], strict=True):
        assert texts_of(section, "heading") == entry["heading"]
        assert texts_of(section, "lead") == entry["lead"]
        assert [texts_of(item, "text") for item in section.items.all()] == entry["items"]
    assert drafting.language_gaps(resolution) == []


def test_the_imported_resolution_has_one_version_and_reads_as_printed(text):
    import_roundtable(text)

    resolution = Resolution.objects.get(event__slug=SLUG)
    version = resolution.versions.get()
    assert (version.number, version.note(), version.status) == (1, "Imported", "published")
    lines = drafting.lines_of(version.content, "ru")
    assert lines[
        lines.index("2. Повышение открытости и подотчетности ОВД перед населением") + 1
    ] == ("Для укрепления доверия к полиции необходимо:")


def test_importing_the_resolution_again_changes_nothing(text):
    import_roundtable(text)
    keys = primary_keys()

    result = import_roundtable(text)

    assert (result.created.total(), result.updated.total(), result.deleted.total()) == (0, 0, 0)
    assert primary_keys() == keys
    assert ResolutionVersion.objects.count() == 1


def test_an_edited_resolution_updates_in_place_and_records_a_version(text):
    import_roundtable(text)
    keys = primary_keys()
    old = "инициировать создание и поддержку общественных советов"
    new = "инициировать создание и развитие общественных советов"

    result = import_roundtable(edited(text, old, new))

    assert result.updated == Counter({ResolutionItem: 1})
    assert primary_keys()[:-1] == keys[:-1]  # the same rows; one more version
    item = ResolutionItem.objects.get(section__position=1, position=2)
    assert item.text_ru.startswith(new)
    first, second = Resolution.objects.get().versions.order_by("number")
    assert (second.number, second.note()) == (2, "Imported")
    changed = [html for kind, html in drafting.compare(first, second, "ru") if kind == "changed"]
    assert changed == [
        "– инициировать создание и <del>поддержку</del><ins>развитие</ins> общественных советов "
        "при органах внутренних дел на всех уровнях;"
    ]
    assert {kind for kind, _html in drafting.compare(first, second, "kk")} == {"same"}


def test_sections_and_items_left_out_of_the_file_are_deleted(text):
    import_roundtable(text)
    printed = printed_resolution(text)
    last_section = text[text.index("    - number: 6") : text.index("  closing:")]
    third_item = '        - kk: "профилактикалық, тәрбиелік'
    shorter = text.replace(last_section, "")
    shorter = shorter.replace(
        shorter[shorter.index(third_item) : shorter.index("    - number: 2")], ""
    )

    result = import_roundtable(shorter)

    assert result.deleted == Counter({ResolutionSection: 1, ResolutionItem: 1})
    resolution = Resolution.objects.get()
    assert resolution.sections.count() == 5
    assert [texts_of(item, "text") for item in resolution.sections.first().items.all()] == (
        printed["sections"][0]["items"][:2]
    )
    assert ResolutionItem.objects.count() == 14
    assert resolution.versions.count() == 2


def test_a_file_without_a_resolution_keeps_the_one_in_the_portal(text):
    import_roundtable(text)
    keys = primary_keys()
    without = text[: text.index("\nresolution:")] + "\n"

    result = import_roundtable(without)

    assert result.deleted.total() == 0
    assert primary_keys() == keys


def test_a_reimport_publishes_again_a_resolution_reopened_in_the_portal(text):
    import_roundtable(text)
    organiser = factories.organiser("aigerim")
    resolution = Resolution.objects.get()
    drafting.change_status(resolution, "discussion", organiser, comment="A typo in section 3")

    import_roundtable(text)

    resolution.refresh_from_db()
    assert (resolution.status, resolution.adopted_on) == ("published", datetime.date(2025, 5, 23))
    assert [v.status for v in resolution.versions.order_by("number")] == [
        "published",
        "discussion",
        "published",
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    - number: 3\n",
            "    - number: 4  # was 3\n",
            "resolution.sections[2].number: expected section number 3: "
            "sections are numbered 1, 2, 3… in order",
        ),
        (
            "    - number: 2\n",
            '    - number: "2"  # in quotes\n',
            "resolution.sections[1].number: expected a whole number",
        ),
        (
            "    - number: 5\n      heading:",
            "    - number: 5\n      headng:",
            "resolution.sections[4].headng: unknown key",
        ),
    ],
)
def test_an_invalid_resolution_is_named_with_its_line_and_writes_nothing(text, old, new, problem):
    broken = edited(text, old, new)
    changed_line = next(line for line in new.splitlines() if line not in old.splitlines())

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    assert str(failure.value).startswith(f"line {line_of(broken, changed_line)}: {problem}")
    assert row_counts() == [0, 0, 0, 0]
    assert resolution_rows() == [0, 0, 0, 0]


def test_an_item_without_its_russian_text_is_named_with_its_line(text):
    broken = edited(text, '          ru: "инициировать создание', '          # ru: "инициировать')

    with pytest.raises(ImportFailed) as failure:
        import_roundtable(broken)

    item_line = line_of(broken, '        - kk: "барлық деңгейдегі')
    assert str(failure.value) == (
        f"line {item_line}: resolution.sections[0].items[1]: missing key ru"
    )
    assert resolution_rows() == [0, 0, 0, 0]


def test_the_slug_can_come_from_the_import_when_the_file_has_none(text):
    without_slug = edited(text, "  slug: public-safety-2025\n  published: true\n", "")

    with pytest.raises(ImportFailed, match="missing key slug"):
        import_roundtable(without_slug)
    import_roundtable(without_slug, slug="safety-2025")

    event = RoundTable.objects.get()
    assert (event.slug, event.published) == ("safety-2025", False)


def test_the_command_prints_a_summary():
    out = io.StringIO()

    call_command("import_roundtable", str(FIXTURE), stdout=out)

    assert out.getvalue() == (
        f"Imported {SLUG}: 27 programme items, 25 people, 25 participations, "
        "a resolution of 6 sections and 18 items (created 103, updated 0, deleted 0).\n"
        "Released version 1 of the programme.\n"
    )


def test_the_summary_of_a_file_without_a_resolution_does_not_mention_one(text, tmp_path):
    path = tmp_path / "programme-only.yaml"
    path.write_text(text[: text.index("\nresolution:")] + "\n", encoding="utf-8")
    out = io.StringIO()

    call_command("import_roundtable", str(path), stdout=out)

    assert out.getvalue() == (
        f"Imported {SLUG}: 27 programme items, 25 people, 25 participations "
        "(created 78, updated 0, deleted 0).\n"
        "Released version 1 of the programme.\n"
    )


def test_the_command_reports_a_failure_without_a_traceback(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("event:\n  title: [unclosed\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"^line 3: "):
        call_command("import_roundtable", str(path))


@pytest.mark.parametrize("key", ["user: root", "email: mine@evil.example", "account: root"])
def test_a_file_cannot_give_a_person_an_account_or_an_e_mail(text, key):
    """A person's account and e-mail are set only in the admin, under speakers/account_rules.py:
    an import never links anyone to an account, nor sends anything."""
    root = User.objects.create_superuser("root", "root@academy.kz", "a-long-root-password")
    broken = edited(text, "  - id: ten\n", f"  - id: ten\n    {key}\n")

    with pytest.raises(ImportFailed, match=f"{key.split(':')[0]}: unknown key"):
        import_roundtable(broken)

    assert row_counts() == [0, 0, 0, 0]
    root.refresh_from_db()
    assert root.email == "root@academy.kz"
