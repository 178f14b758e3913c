"""The eLibrary (RSCI) export: organisers download from the proceedings' admin page a zip of the
<journal> XML, valid against eLibrary's schema (schemas/elibrary-journal.xsd, with its source),
and each paper's offprint it names; the XML gives the pages as printed, the DOIs, the titles,
authors with their organisations, abstracts and keywords per language under eLibrary's codes
(KKZ, RUS, ENG), the УДК, the IRSTI rubric and the references; the page says what keeps it from
being downloaded; nobody else reaches it.

The book is a real build; its PDFs are read back with pypdf.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from proceedings import builds
from proceedings.models import Paper, Section
from tests import factories
from tests.factories import AuthorFactory, PaperFactory, add_version, tiny_proceedings

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(Path(__file__).parent / "schemas" / "elibrary-journal.xsd"))
# The order eLibrary asks for inside <article> (its schema's, which a choice does not enforce).
ARTICLE_ORDER = [
    "pages",
    "artType",
    "langPubl",
    "authors",
    "artTitles",
    "abstracts",
    "text",
    "codes",
    "keywords",
    "references",
    "files",
    "rubrics",
    "dates",
    "fundings",
]
PREFIX = "10.12345"
TEXT = (
    "<p>Учаскелік инспектордың жұмысы қоғамдық тәртіпті сақтаудың негізі болып табылады.</p>"
    "<p>Әдебиеттер</p>"
    "<p>1. Қазақстан Республикасының «Құқық қорғау қызметі туралы» Заңы, 2011.</p>"
    "<p>2. Иванов И.И. Участковый инспектор &amp; общество. – М., 2020. – 120 с.</p>"
)


@pytest.fixture
def book(settings):
    """Published proceedings, built: a Kazakh paper with its text and references, titles in
    three languages, an author and a supervisor; then a Russian paper."""
    settings.CROSSREF_DOI_PREFIX = PREFIX
    settings.ELIBRARY_TITLE_ID = "78123"
    proceedings = tiny_proceedings(papers=0)
    proceedings.published = True
    proceedings.save()
    event = proceedings.event
    section = Section.objects.get(event=event)
    kazakh = PaperFactory(
        event=event,
        section=section,
        position=1,
        status=Paper.Status.ACCEPTED,
        title_kk="Учаскелік инспектор",
        title_ru="Участковый инспектор",
        title_en="The district inspector",
        abstract_en="The district inspector keeps public order.",
        udc="351.74",
        irsti="10.77.51",
    )
    add_version(kazakh, b"PK docx", kind="docx", name="paper.docx", html=TEXT)
    AuthorFactory(paper=kazakh, email="akhmanov@academy.kz", orcid="0000-0002-1825-0097")
    AuthorFactory(
        paper=kazakh,
        role="supervisor",
        surname_kk="Петров",
        surname_ru="Петров",
        given_name_kk="Пётр",
        given_name_ru="Пётр",
        patronymic_kk="",
        patronymic_ru="",
    )
    russian = PaperFactory(
        event=event,
        section=section,
        position=2,
        language="ru",
        status=Paper.Status.ACCEPTED,
        title_kk="",
        abstract_kk="",
        keywords_kk="",
    )
    AuthorFactory(
        paper=russian,
        surname_kk="",
        given_name_kk="",
        patronymic_kk="",
        organisation_kk="",
        surname_ru="Иванова",
        given_name_ru="Мария",
    )
    build = builds.build_now(proceedings)
    assert build.status == "succeeded", build.error
    return {"proceedings": proceedings, "build": build, "kazakh": kazakh, "russian": russian}


def admin_url(proceedings, name="elibrary"):
    return reverse(f"admin:proceedings_proceedings_{name}", args=[proceedings.pk])


def children(element):
    return [child.tag for child in element]


@pytest.mark.slow
def test_organisers_download_the_xml_and_the_offprints_as_elibrary_takes_them(
    client, book, django_assert_num_queries
):
    proceedings, build = book["proceedings"], book["build"]
    kazakh, russian = book["kazakh"], book["russian"]
    entries = {entry.paper_id: entry for entry in build.entries.all()}
    slug = proceedings.event.slug
    client.force_login(factories.organiser("aigerim"))
    assert admin_url(proceedings) in client.get(admin_url(proceedings, "change")).text

    # As many with four papers as with two (measured): none per paper.
    with django_assert_num_queries(11):
        response = client.get(admin_url(proceedings))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-elibrary.zip"'
    zipped = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(zipped.namelist()) == sorted(
        [f"{slug}.xml", f"{slug}-{kazakh.pk}.pdf", f"{slug}-{russian.pk}.pdf"]
    )
    journal = etree.fromstring(zipped.read(f"{slug}.xml"))
    SCHEMA.assertValid(journal)
    assert journal.findtext("titleid") == "78123"
    assert journal.findtext("journalInfo/title") == proceedings.title_ru
    assert journal.findtext("issue/pages") == f"1-{build.page_count}"
    assert journal.findtext("issue/dateUni") == "2025"
    assert journal.findtext("issue/codes/doi") == f"{PREFIX}/{slug}"
    articles = journal.find("issue/articles")
    assert children(articles) == ["section", "article", "article"]
    assert [title.get("lang") for title in articles.findall("section/secTitle")] == ["KKZ", "RUS"]

    first, second = articles.findall("article")
    for article in (first, second):
        order = [ARTICLE_ORDER.index(tag) for tag in children(article)]
        assert order == sorted(order)
    entry = entries[kazakh.pk]
    # "5", or "5-7": eLibrary's ranges take a hyphen.
    assert first.findtext("pages") == "-".join(
        str(page) for page in sorted({entry.first_page, entry.last_page})
    )
    assert first.findtext("artType") == "CNF"
    assert [first.findtext("langPubl"), second.findtext("langPubl")] == ["KKZ", "RUS"]
    titles = {title.get("lang"): title.text for title in first.findall("artTitles/artTitle")}
    assert titles == {
        "KKZ": "Учаскелік инспектор",
        "RUS": "Участковый инспектор",
        "ENG": "The district inspector",
    }
    author, supervisor = first.findall("authors/author")
    assert author.get("num") == "1" and author.find("role") is None
    kazakh_info, russian_info, english_info = author.findall("individInfo")
    assert [info.get("lang") for info in (kazakh_info, russian_info, english_info)] == [
        "KKZ",
        "RUS",
        "ENG",
    ]
    # The English name as Kazakh passports write the Kazakh one (speakers.english_names).
    assert english_info.findtext("surname") == "Akhmanov"
    assert kazakh_info.findtext("surname") == "Ахманов"
    assert kazakh_info.findtext("initials") == "А. Т."
    assert kazakh_info.findtext("orgName") == "Алматы академиясы"
    assert russian_info.findtext("orgName") == "Алматинская академия"
    assert russian_info.findtext("initials") == "А. Т."
    assert russian_info.findtext("email") == "akhmanov@academy.kz"
    assert author.findtext("authorCodes/orcid") == "0000-0002-1825-0097"
    assert supervisor.findtext("role") == "26"
    assert supervisor.findtext("individInfo/surname") == "Петров"
    abstracts = {item.get("lang"): item.text for item in first.findall("abstracts/abstract")}
    assert abstracts["ENG"] == "The district inspector keeps public order."
    assert set(abstracts) == {"KKZ", "RUS", "ENG"}
    assert "қоғамдық тәртіпті сақтаудың" in first.findtext("text")
    assert first.findtext("codes/doi") == f"{PREFIX}/{slug}.{kazakh.pk}"
    assert first.findtext("codes/udk") == "351.74"
    assert first.findtext("rubrics/rubric") == "10.77.51"
    keywords = {
        group.get("lang"): [word.text for word in group] for group in first.find("keywords")
    }
    assert keywords == {
        "KKZ": ["полиция", "қоғам", "серіктестік"],
        "RUS": ["полиция", "общество", "партнёрство"],
    }
    assert [ref.findtext("refInfo/text") for ref in first.findall("references/reference")] == [
        "Қазақстан Республикасының «Құқық қорғау қызметі туралы» Заңы, 2011.",
        "Иванов И.И. Участковый инспектор & общество. – М., 2020. – 120 с.",
    ]
    published = timezone.localtime(proceedings.published_at)
    assert first.findtext("dates/datePublication") == published.strftime("%d.%m.%Y")
    # The Russian paper has no Kazakh title, name or keywords: none are written under KKZ.
    assert [title.get("lang") for title in second.findall("artTitles/artTitle")] == ["RUS"]
    assert [info.get("lang") for info in second.findall("authors/author/individInfo")] == [
        "RUS",
        "ENG",
    ]
    assert second.findtext("authors/author/individInfo/surname") == "Иванова"
    assert second.find("references") is None

    for paper, article in ((kazakh, first), (russian, second)):
        named = article.findtext("files/file")
        assert article.find("files/file").get("desc") == "fullText"
        offprint = PdfReader(io.BytesIO(zipped.read(named)))
        entry = entries[paper.pk]
        assert len(offprint.pages) == entry.last_page - entry.first_page + 1
        assert offprint.page_labels[0] == str(entry.first_page)
        assert offprint.metadata.title == paper.title_in_own_language


@pytest.mark.parametrize("who", ["anonymous", "speaker"])
def test_only_staff_reach_the_export(client, who):
    proceedings = tiny_proceedings(papers=0)
    if who == "speaker":
        client.force_login(factories.speaker("serik"))
    response = client.get(admin_url(proceedings))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_the_organisers_may_not_export(client):
    proceedings = tiny_proceedings(papers=0)
    client.force_login(factories.staff("guest"))
    assert client.get(admin_url(proceedings)).status_code == 403


def test_the_admin_says_what_keeps_the_export_back(client, settings):
    settings.ELIBRARY_TITLE_ID = ""
    proceedings = tiny_proceedings(papers=0)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(factories.organiser("aigerim"))

    page = client.get(admin_url(proceedings, "change"))

    assert "Set ELIBRARY_TITLE_ID" in page.text
    assert "Publish the proceedings first." in page.text
    assert "Build the book first: eLibrary takes" in page.text
    assert admin_url(proceedings) not in page.text
    response = client.get(admin_url(proceedings), follow=True)
    assert response.redirect_chain[-1][0].endswith("#elibrary")
    assert "Set ELIBRARY_TITLE_ID" in response.text


def test_a_book_whose_papers_lack_their_offprints_is_built_again_first(client, settings):
    settings.ELIBRARY_TITLE_ID = "78123"
    proceedings = tiny_proceedings(papers=1)
    proceedings.published = True
    proceedings.save()
    factories.finished_build(proceedings, factories.two_pages_each(proceedings.event.papers.all()))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(factories.organiser("aigerim"))

    response = client.get(admin_url(proceedings), follow=True)

    assert response.redirect_chain[-1][0].endswith("#elibrary")
    assert "Build the book again: some of its papers have no offprint." in response.text
