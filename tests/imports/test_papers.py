import datetime
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from imports.papers import import_papers
from imports.reading import ImportFailed
from portal.organisers import create_demo_organiser
from proceedings.models import (
    Author,
    Paper,
    PaperStatusChange,
    PaperVersion,
    Proceedings,
    Section,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MANIFEST = settings.BASE_DIR / "fixtures" / "papers" / "papers.yaml"
Status = Paper.Status

# speaker: (language, talk start, section position, status, authors (role, kk surname, ru surname),
#           a sentence of the text)
DEMO_PAPERS = {
    "tureniyazova": (
        "kk",
        datetime.time(10, 40),
        2,
        Status.ACCEPTED,
        [("author", "Турениязова", "Турениязова"), ("author", "Әбілқасымова", "Абилкасымова")],
        "Қоғамдық қауіпсіздік – мемлекет пен қоғамның тұрақты дамуының негізгі шарттарының бірі.",
    ),
    "zhalalov": (
        "kk",
        datetime.time(12, 40),
        2,
        Status.SUBMITTED,
        [("author", "Жалалов", "Жалалов"), ("supervisor", "Серікбаев", "Серикбаев")],
        "Полиция мен халықтың күнделікті өзара іс-қимылы, ең алдымен, учаскелік полиция",
    ),
    "kultemirova": (
        "ru",
        datetime.time(9, 40),
        1,
        Status.ACCEPTED,
        [("author", "Культемирова", "Культемирова")],
        "Обеспечение общественной безопасности традиционно рассматривается как одна из ключевых",
    ),
    "sadykov": (
        "ru",
        datetime.time(12, 50),
        3,
        Status.ACCEPTED,
        [("author", "Садыков", "Садыков"), ("supervisor", "Нұрланова", "Нурланова")],
        "Цифровизация экономики и государственного управления, массовое распространение",
    ),
}
HEADINGS = {"kk": ("Кіріспе", "Қорытынды"), "ru": ("Введение", "Заключение")}


@pytest.fixture
def organiser(demo_event):
    """The demo organiser, as `make demo` creates it before importing the papers."""
    user, _password = create_demo_organiser()
    return user


def stored_files():
    root = Path(settings.STORAGES["papers"]["OPTIONS"]["location"])
    return {path for path in root.rglob("*") if path.is_file()}


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Proceedings, Section, Paper, Author, PaperVersion, PaperStatusChange)
    }


def manifest_copy(tmp_path, edit=lambda text: text):
    """The demo manifest and its files in `tmp_path`, the manifest's text passed through `edit`."""
    for docx in MANIFEST.parent.glob("*.docx"):
        shutil.copy(docx, tmp_path)
    path = tmp_path / "papers.yaml"
    path.write_text(edit(MANIFEST.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_the_demo_papers_import_with_their_authors_sections_statuses_and_files(organiser):
    call_command("import_papers", MANIFEST, verbosity=0)

    sections = Section.objects.order_by("position")
    assert [(s.position, s.name_kk, s.name_ru, s.name_en) for s in sections] == [
        (1, "Құқықтық аспектілер", "Правовые аспекты", "Legal aspects"),
        (
            2,
            "Полиция мен азаматтық қоғамның серіктестігі",
            "Партнерство полиции и гражданского общества",
            "Partnership between the police and civil society",
        ),
        (
            3,
            "Профилактика және цифрлық қауіпсіздік",
            "Профилактика и цифровая безопасность",
            "Prevention and digital safety",
        ),
    ]
    papers = {paper.speaker.slug: paper for paper in Paper.objects.select_related("speaker")}
    assert set(papers) == set(DEMO_PAPERS)
    for slug, (language, start, section, status, authors, sentence) in DEMO_PAPERS.items():
        paper = papers[slug]
        assert paper.event.slug == "public-safety-2025"
        assert (paper.language, paper.talk.start, paper.section.position, paper.status) == (
            language,
            start,
            section,
            status,
        )
        assert list(paper.talk.speakers.all()) == [paper.speaker]
        assert all(getattr(paper, f"title_{code}") for code in ("kk", "ru", "en"))
        assert all(getattr(paper, f"abstract_{code}") for code in ("kk", "ru", "en"))
        assert len(paper.keyword_list()) == 6
        # Authors in printed order, the supervisor last; the speaker first, linked to the roster.
        stored = list(paper.authors.all())
        assert [(a.role, a.surname_kk, a.surname_ru) for a in stored] == authors
        assert stored[0].person == paper.speaker
        assert all(author.person is None for author in stored[1:])
        assert all(author.email.endswith("@example.kz") for author in stored)
        # Submitted by the organisers for the speaker, then accepted through the review.
        expected = [(Status.DRAFT, Status.SUBMITTED)]
        if status == Status.ACCEPTED:
            expected.append((Status.SUBMITTED, Status.ACCEPTED))
        history = list(paper.status_changes.all())
        assert [(change.from_status, change.to_status) for change in history] == expected
        assert {change.changed_by for change in history} == {organiser}
        # The file is version 1, converted: its text, headings and footnotes.
        version = paper.current_version
        assert (version.number, version.kind, version.uploaded_by) == (1, "docx", organiser)
        assert version.original_name == f"{slug}-2025-{language}.docx"
        assert version.conversion_warnings == []
        assert sentence in version.html
        assert all(f"<h3>{heading}</h3>" in version.html for heading in HEADINGS[language])
        assert version.html.count('<span class="footnote">') == 2


def test_the_demo_manifest_gives_the_round_table_its_proceedings(organiser):
    call_command("import_papers", MANIFEST, verbosity=0)

    proceedings = Proceedings.objects.get(event__slug="public-safety-2025")
    assert proceedings.title_kk.endswith("дөңгелек үстелінің материалдары")
    assert proceedings.title_ru.startswith("Материалы круглого стола")
    assert proceedings.title_en.startswith("Proceedings of the round table")
    assert (proceedings.isbn, proceedings.isbn_printed) == ("9786017943004", "978-601-7943-00-4")
    assert (proceedings.udc, proceedings.bbk, proceedings.year) == (
        "351.74(574)",
        "67.401.133(5Каз)",
        2025,
    )
    assert proceedings.organiser_ru.startswith("Алматинская академия МВД")
    assert proceedings.city_kk == proceedings.city_ru == "Алматы"
    assert proceedings.publisher_kk and proceedings.publisher_ru
    assert len(proceedings.editors_kk.splitlines()) == len(proceedings.editors_ru.splitlines()) == 3
    assert proceedings.published and proceedings.published_at


def test_a_wrong_isbn_check_digit_is_refused(organiser, tmp_path):
    manifest = manifest_copy(
        tmp_path,
        lambda text: text.replace('isbn: "978-601-7943-00-4"', 'isbn: "978-601-7943-00-5"'),
    )

    with pytest.raises(ImportFailed, match="proceedings: isbn: The last digit"):
        import_papers(manifest, user=organiser)

    assert not Proceedings.objects.exists()


def test_the_demo_papers_show_kazakh_and_russian_forms_of_names_and_credentials(organiser):
    call_command("import_papers", MANIFEST, verbosity=0)

    co_author = Author.objects.get(surname_kk="Әбілқасымова")
    assert (co_author.patronymic_kk, co_author.patronymic_ru) == ("Ерланқызы", "Ерлановна")
    supervisor = Author.objects.get(role="supervisor", paper__speaker__slug="zhalalov")
    assert (supervisor.degree.abbreviation_kk, supervisor.academic_title.name_ru) == (
        "з.ғ.к.",
        "ассоциированный профессор (доцент)",
    )
    printed = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            printed[language] = supervisor.short_name
    assert printed == {"kk": "Серікбаев Е.М.", "ru": "Серикбаев Е.М.", "en": "Serikbayev Y.M."}
    tables = [
        paper.current_version.html.count("<table>")
        for paper in Paper.objects.order_by("speaker__slug")
    ]
    assert sum(tables) == 2


def test_importing_again_changes_nothing(organiser):
    call_command("import_papers", MANIFEST, verbosity=0)
    before, files = snapshot(), stored_files()

    result = import_papers(MANIFEST, user=organiser)

    assert not result.changed
    assert snapshot() == before
    assert stored_files() == files


def test_an_edited_manifest_updates_papers_in_place(organiser, tmp_path):
    call_command("import_papers", MANIFEST, verbosity=0)
    edited = manifest_copy(
        tmp_path,
        lambda text: text.replace('en: "Legal aspects"', 'en: "Legal framework"').replace(
            "status: submitted", "status: accepted"
        ),
    )

    result = import_papers(edited, user=organiser)

    assert (Paper.objects.count(), PaperVersion.objects.count(), Section.objects.count()) == (
        4,
        4,
        3,
    )
    assert Section.objects.get(position=1).name_en == "Legal framework"
    paper = Paper.objects.get(speaker__slug="zhalalov")
    assert paper.status == Status.ACCEPTED
    assert [change.to_status for change in paper.status_changes.all()] == [
        Status.SUBMITTED,
        Status.ACCEPTED,
    ]
    assert (result.versions_added, result.status_changes, result.updated[Section]) == (0, 1, 1)


def test_a_manifest_naming_a_missing_file_is_refused_whole(organiser, tmp_path):
    manifest = manifest_copy(tmp_path)
    (tmp_path / "kultemirova-2025-ru.docx").unlink()
    files = stored_files()

    with pytest.raises(CommandError) as refused:
        call_command("import_papers", manifest, verbosity=0)

    line = next(
        number
        for number, text in enumerate(manifest.read_text().splitlines(), start=1)
        if "file: kultemirova-2025-ru.docx" in text
    )
    assert str(refused.value).startswith(f"line {line}: papers[2].file: cannot read ")
    assert "kultemirova-2025-ru.docx" in str(refused.value)
    assert snapshot() == {name: [] for name in snapshot()}
    assert stored_files() == files


def test_a_failure_after_files_were_stored_removes_them(organiser, tmp_path):
    manifest = manifest_copy(
        tmp_path, lambda text: text.replace("a.nurlanova@example.kz", "not an address")
    )
    files = stored_files()

    with pytest.raises(ImportFailed, match=r"papers\[3\]\.supervisor: email: "):
        import_papers(manifest, user=organiser)

    assert snapshot() == {name: [] for name in snapshot()}
    assert stored_files() == files


def test_a_bad_manifest_names_the_line_and_key(organiser, tmp_path):
    manifest = manifest_copy(
        tmp_path, lambda text: text.replace("speaker: sadykov", "speaker: nobody")
    )

    with pytest.raises(ImportFailed) as refused:
        import_papers(manifest, user=organiser)

    assert "papers[3].speaker: unknown person 'nobody'" in str(refused.value)
    assert not Paper.objects.exists()


def test_only_an_organiser_imports(demo_event):
    with pytest.raises(ImportFailed, match="not an organiser"):
        import_papers(MANIFEST, user=UserFactory(username="speaker"))

    assert not Paper.objects.exists()


# --- A paper written and titled in one language ----------------------------------------------

ONE_LANGUAGE = {
    "ru": {
        "title": "Правовое регулирование участия граждан в охране общественного порядка",
        "abstract": "В статье рассматриваются формы участия граждан в охране порядка.",
        "keywords": "общественный порядок, участие граждан, полиция",
        "surname": "Культемирова",
        "given_name": "Лейла",
    },
    "kk": {
        "title": "Азаматтардың қоғамдық тәртіпті сақтауға қатысуын құқықтық реттеу",
        "abstract": "Мақалада азаматтардың тәртіпті сақтауға қатысу нысандары қарастырылады.",
        "keywords": "қоғамдық тәртіп, азаматтардың қатысуы, полиция",
        "surname": "Культемирова",
        "given_name": "Лейла",
    },
}


def one_language_manifest(tmp_path, language):
    """A manifest of one paper of the demo's speaker kultemirova, every text of it written in
    `language` only."""
    texts = ONE_LANGUAGE[language]
    shutil.copy(MANIFEST.parent / "kultemirova-2025-ru.docx", tmp_path)
    path = tmp_path / "papers.yaml"
    path.write_text(
        "event: public-safety-2025\n"
        "papers:\n"
        "  - file: kultemirova-2025-ru.docx\n"
        "    speaker: kultemirova\n"
        f"    language: {language}\n"
        "    status: submitted\n"
        f'    title: {{{language}: "{texts["title"]}"}}\n'
        f'    abstract: {{{language}: "{texts["abstract"]}"}}\n'
        f'    keywords: {{{language}: "{texts["keywords"]}"}}\n'
        "    authors:\n"
        f'      - surname: {{{language}: "{texts["surname"]}"}}\n'
        f'        given_name: {{{language}: "{texts["given_name"]}"}}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_paper_titled_only_in_its_own_language_imports_with_the_other_languages_empty(
    organiser, tmp_path, language
):
    other = {"ru": "kk", "kk": "ru"}[language]
    texts = ONE_LANGUAGE[language]

    import_papers(one_language_manifest(tmp_path, language), user=organiser)

    paper = Paper.objects.get()
    assert paper.language == language
    for name in ("title", "abstract", "keywords"):
        assert getattr(paper, f"{name}_{language}") == texts[name]
        assert getattr(paper, f"{name}_{other}") == ""
        assert not getattr(paper, f"{name}_en")
    [author] = paper.authors.all()
    assert getattr(author, f"surname_{language}") == texts["surname"]
    assert getattr(author, f"surname_{other}") == ""
    # The portal names the paper by its own title, and readers of other languages fall back to it.
    assert str(paper) == texts["title"]
    for reader in ("kk", "ru", "en"):
        with translation.override(reader):
            assert paper.title == texts["title"]
    assert paper.current_version.number == 1
    # Importing again changes nothing.
    assert not import_papers(one_language_manifest(tmp_path, language), user=organiser).changed
