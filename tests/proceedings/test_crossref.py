"""The Crossref deposit of the proceedings: a <doi_batch> in the 5.3.1 namespace, every deposit
the tests make valid against Crossref's own schema (tests/proceedings/schemas/crossref/), the
collection with its ISBN (or noisbn), the round table with its acronym and "city, country", the
editors when the board reads as names, and every paper of the current book with its authors
(affiliations, ORCID), titles per language, abstracts, pages, licence, DOI and reference list;
every address under SITE_URL; what keeps it from being exported; who may download it from the
admin; and its query count.
"""

import datetime
import functools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import etree

from proceedings import crossref
from proceedings.citations import Name
from proceedings.models import BookBuild, BookEntry, Paper
from tests import factories
from tests.factories import AuthorFactory, PaperFactory, ProceedingsFactory, RoundTableFactory

pytestmark = pytest.mark.django_db

NS = {"cr": crossref.NAMESPACE, "jats": crossref.JATS, "ai": crossref.ACCESS_INDICATORS}
SCHEMAS = Path(__file__).parent / "schemas" / "crossref"
MATHML = "http://www.w3.org/Math/XMLSchema/mathml3/mathml3.xsd"
PREFIX = "10.12345"
SITE = "https://rt.example.kz"


def local(tag):
    return tag.split("}", 1)[1]


class LocalSchemas(etree.Resolver):
    """The MathML schema that Crossref's schemas import from w3.org, read from the bundle's copy
    (the tests have no network)."""

    def resolve(self, url, public_id, context):
        if url == MATHML:
            return self.resolve_filename(
                str(SCHEMAS / "standard-modules/mathml3/mathml3.xsd"), context
            )
        return None


@functools.cache
def crossref_schema():
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"crossref{crossref.VERSION}.xsd"), parser))


def assert_valid(xml):
    """`xml` (bytes) is valid against Crossref's deposit schema, as Crossref checks a deposit."""
    schema = crossref_schema()
    assert schema.validate(etree.fromstring(xml)), [
        f"line {error.line}: {error.message}" for error in schema.error_log
    ]


def placed(proceedings, papers, first_page=5):
    """A succeeded build of `proceedings` placing `papers` one after another, 3 pages each."""
    build = BookBuild.objects.create(proceedings=proceedings, status=BookBuild.Status.SUCCEEDED)
    BookBuild.objects.filter(pk=build.pk).update(finished_at=build.requested_at)
    for number, paper in enumerate(papers, start=1):
        start = first_page + 3 * (number - 1)
        BookEntry.objects.create(
            build=build, paper=paper, number=number, first_page=start, last_page=start + 2
        )
    return build


def accepted(event, **fields):
    return PaperFactory(event=event, status=Paper.Status.ACCEPTED, **fields)


@pytest.fixture
def book(settings):
    """Published proceedings of the round table of 23 May 2025: a Kazakh paper with a Russian
    and an English title and two authors, a Russian one with its title in Russian only."""
    settings.CROSSREF_DOI_PREFIX = PREFIX
    settings.CROSSREF_DEPOSITOR_EMAIL = "doi@academy.example.kz"
    settings.SITE_URL = SITE
    event = RoundTableFactory(
        slug="public-safety-2025",
        date=datetime.date(2025, 5, 23),
        theme_kk="Қоғамдық қауіпсіздікті қамтамасыз ету",
        venue_kk="Қазақстан Республикасы ІІМ академиясы",
    )
    proceedings = ProceedingsFactory(
        event=event,
        published=True,
        country_kk="Қазақстан",
        editors_kk="Қайратов Е.С. – жауапты редактор, з.ғ.к., доцент\nОспанова Д. А. – з.ғ.к.",
    )
    kazakh = accepted(
        event,
        title_kk="Полиция және қоғам",
        title_ru="Полиция и общество",
        title_en="Police and society",
    )
    AuthorFactory(paper=kazakh)
    AuthorFactory(
        paper=kazakh,
        surname_kk="БЕГАЛИЕВ",
        given_name_kk="Ерлан",
        patronymic_kk="",
        surname_ru="Бегалиев",
    )
    AuthorFactory(paper=kazakh, role="supervisor", surname_kk="Петров")
    russian = accepted(event, language="ru", title_ru="Участковый инспектор", title_kk="")
    AuthorFactory(paper=russian, surname_ru="Иванов", given_name_ru="Иван", patronymic_ru="")
    build = placed(proceedings, [kazakh, russian])
    return {"proceedings": proceedings, "build": build, "kazakh": kazakh, "russian": russian}


def deposit(book):
    """The deposit of `book`, asserted valid against the schema."""
    xml = crossref.deposit(
        book["proceedings"],
        book["build"],
        now=datetime.datetime(2025, 6, 2, 10, 30, 5, 123456, tzinfo=datetime.UTC),
    )
    assert_valid(xml)
    return ET.fromstring(xml)


def card_url(paper, language):
    with translation.override(language):
        return SITE + reverse("roundtable:article", args=["public-safety-2025", paper.pk])


def text(node, path):
    return node.findtext(path, namespaces=NS)


# --- The deposit ---------------------------------------------------------------------------------


def test_a_batch_in_the_531_namespace_valid_against_crossrefs_schema(book):
    xml = crossref.deposit(book["proceedings"], book["build"])
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(xml)
    assert root.tag == f"{{{crossref.NAMESPACE}}}doi_batch"
    assert root.get("version") == "5.3.1"
    assert root.get(f"{{{crossref.XSI}}}schemaLocation") == (
        "http://www.crossref.org/schema/5.3.1 https://www.crossref.org/schemas/crossref5.3.1.xsd"
    )
    assert_valid(xml)


def test_head_names_the_batch_and_the_depositor(book):
    head = deposit(book).find("cr:head", NS)
    assert text(head, "cr:doi_batch_id") == "public-safety-2025-20250602103005123"
    assert text(head, "cr:timestamp") == "20250602103005123"
    assert text(head, "cr:depositor/cr:depositor_name") == "Алматы академиясы"
    assert text(head, "cr:depositor/cr:email_address") == "doi@academy.example.kz"
    assert text(head, "cr:registrant") == "Алматы академиясы"


def test_the_round_table_and_the_collection(book):
    conference = deposit(book).find("cr:body/cr:conference", NS)
    event = conference.find("cr:event_metadata", NS)
    assert text(event, "cr:conference_name") == "Қоғамдық қауіпсіздікті қамтамасыз ету"
    assert text(event, "cr:conference_acronym") == "public_safety_2025"
    assert text(event, "cr:conference_location") == "Алматы, Қазақстан"
    date = event.find("cr:conference_date", NS)
    assert date.attrib == {
        "start_day": "23",
        "start_month": "05",
        "start_year": "2025",
        "end_day": "23",
        "end_month": "05",
        "end_year": "2025",
    }
    metadata = conference.find("cr:proceedings_metadata", NS)
    assert metadata.get("language") == "kk"
    assert text(metadata, "cr:proceedings_title") == (
        "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары"
    )
    assert text(metadata, "cr:publisher/cr:publisher_name") == "Алматы академиясы"
    assert text(metadata, "cr:publisher/cr:publisher_place") == "Алматы"
    assert text(metadata, "cr:publication_date/cr:year") == "2025"
    assert text(metadata, "cr:isbn") == "978-601-7943-57-8"
    assert metadata.find("cr:noisbn", NS) is None
    assert text(metadata, "cr:doi_data/cr:doi") == f"{PREFIX}/public-safety-2025"
    with translation.override("kk"):
        contents = SITE + reverse("roundtable:proceedings", args=["public-safety-2025"])
    assert text(metadata, "cr:doi_data/cr:resource") == contents


def test_editors_when_the_board_reads_as_names(book):
    editors = deposit(book).findall("cr:body/cr:conference/cr:contributors/cr:person_name", NS)
    assert [
        (
            e.get("sequence"),
            e.get("contributor_role"),
            text(e, "cr:given_name"),
            text(e, "cr:surname"),
        )
        for e in editors
    ] == [("first", "editor", "Е.С.", "Қайратов"), ("additional", "editor", "Д. А.", "Оспанова")]


def test_no_editors_when_a_line_of_the_board_is_not_a_name(book):
    book["proceedings"].editors_kk = "Қайратов Е.С. – жауапты редактор\nРедакция алқасы"
    book["proceedings"].save()
    conference = deposit(book).find("cr:body/cr:conference", NS)
    assert conference.find("cr:contributors", NS) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Кайратов Е.С. – ответственный редактор, к.ю.н., доцент", Name("Кайратов", "Е.С.")),
        ("Е. С. Кайратов, к.ю.н.", Name("Кайратов", "Е. С.")),
        ("Муратбекулы Н. – PhD", Name("Муратбекулы", "Н.")),
        ("Кайратов Ерлан Серикович", None),
        ("Редакционная коллегия", None),
    ],
)
def test_editor_names(line, name):
    assert crossref.editor_name(line) == name


def test_noisbn_in_the_isbns_place_without_one(book):
    book["proceedings"].isbn = ""
    book["proceedings"].save()
    metadata = deposit(book).find("cr:body/cr:conference/cr:proceedings_metadata", NS)
    assert metadata.find("cr:isbn", NS) is None
    assert metadata.find("cr:noisbn", NS).get("reason") == "monograph"


def test_every_paper_of_the_book_with_its_authors_pages_and_doi(book):
    papers = deposit(book).findall("cr:body/cr:conference/cr:conference_paper", NS)
    assert len(papers) == 2
    kazakh, russian = papers
    assert kazakh.get("language") == "kk"
    authors = kazakh.findall("cr:contributors/cr:person_name", NS)
    # In the paper's language, as the book prints them; the supervisor is not an author.
    assert [
        (
            a.get("sequence"),
            a.get("contributor_role"),
            a.get("language"),
            text(a, "cr:given_name"),
            text(a, "cr:surname"),
        )
        for a in authors
    ] == [
        ("first", "author", "kk", "Асқар Төлегенұлы", "Ахманов"),
        ("additional", "author", "kk", "Ерлан", "Бегалиев"),
    ]
    assert (text(kazakh, "cr:pages/cr:first_page"), text(kazakh, "cr:pages/cr:last_page")) == (
        "5",
        "7",
    )
    assert text(kazakh, "cr:publication_date/cr:year") == "2025"
    assert text(kazakh, "cr:doi_data/cr:doi") == f"{PREFIX}/public-safety-2025.{book['kazakh'].pk}"
    assert text(kazakh, "cr:doi_data/cr:resource") == card_url(book["kazakh"], "kk")
    assert russian.get("language") == "ru"
    assert text(russian, "cr:contributors/cr:person_name/cr:surname") == "Иванов"
    assert (text(russian, "cr:pages/cr:first_page"), text(russian, "cr:pages/cr:last_page")) == (
        "8",
        "10",
    )
    assert text(russian, "cr:doi_data/cr:resource") == card_url(book["russian"], "ru")


def test_authors_with_their_affiliations_and_orcid(book):
    first = book["kazakh"].authors.get(surname_kk="Ахманов")
    first.orcid = "0000-0002-1825-0097"
    first.country_kk = "Қазақстан"
    first.save()
    kazakh = deposit(book).find("cr:body/cr:conference/cr:conference_paper", NS)
    akhmanov, begaliev = kazakh.findall("cr:contributors/cr:person_name", NS)
    institution = akhmanov.find("cr:affiliations/cr:institution", NS)
    assert text(institution, "cr:institution_name") == "Алматы академиясы"
    assert text(institution, "cr:institution_place") == "Алматы, Қазақстан"
    assert text(akhmanov, "cr:ORCID") == "https://orcid.org/0000-0002-1825-0097"
    assert begaliev.find("cr:ORCID", NS) is None


def test_abstracts_in_jats_in_each_language_the_paper_own_first(book):
    kazakh = deposit(book).find("cr:body/cr:conference/cr:conference_paper", NS)
    abstracts = kazakh.findall("jats:abstract", NS)
    assert [
        (a.get("{http://www.w3.org/XML/1998/namespace}lang"), text(a, "jats:p")) for a in abstracts
    ] == [
        ("kk", "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады."),
        ("ru", "В статье рассматривается взаимодействие полиции и общества."),
    ]


def test_free_to_read_under_the_collections_licence(book):
    papers = deposit(book).findall("cr:body/cr:conference/cr:conference_paper", NS)
    # Without a licence: free to read, all rights reserved.
    assert [local(c.tag) for c in papers[0].find("ai:program", NS)] == ["free_to_read"]
    proceedings = book["proceedings"]
    proceedings.licence = "CC BY 4.0"
    proceedings.save()
    for paper in deposit(book).findall("cr:body/cr:conference/cr:conference_paper", NS):
        program = paper.find("ai:program", NS)
        assert program.get("name") == "AccessIndicators"
        licence = program.find("ai:license_ref", NS)
        assert licence.text == "https://creativecommons.org/licenses/by/4.0/"
        assert licence.get("applies_to") == "vor"
        assert licence.get("start_date") == proceedings.published_at.date().isoformat()


def test_the_reference_list_as_citations(book):
    factories.add_version(
        book["kazakh"],
        kind="docx",
        name="paper.docx",
        html="<p>Мәтін.</p><h2>Әдебиеттер</h2>"
        "<p>1. Сидоров С. С. Полиция. &ndash; Алматы, 2020. &ndash; 120 б.</p>"
        "<p>[2] Smith J. Community policing &amp; trust. London, 2019.</p>",
    )
    kazakh, russian = deposit(book).findall("cr:body/cr:conference/cr:conference_paper", NS)
    citations = kazakh.findall("cr:citation_list/cr:citation", NS)
    assert [(c.get("key"), text(c, "cr:unstructured_citation")) for c in citations] == [
        ("ref1", "Сидоров С. С. Полиция. – Алматы, 2020. – 120 б."),
        ("ref2", "Smith J. Community policing & trust. London, 2019."),
    ]
    assert russian.find("cr:citation_list", NS) is None


def test_titles_per_language_as_the_schema_allows(book):
    kazakh, russian = deposit(book).findall("cr:body/cr:conference/cr:conference_paper", NS)
    # One <titles>: the English title, and the paper's own as its original language title.
    assert len(kazakh.findall("cr:titles", NS)) == 1
    assert text(kazakh, "cr:titles/cr:title") == "Police and society"
    original = kazakh.find("cr:titles/cr:original_language_title", NS)
    assert (original.text, original.get("language")) == ("Полиция және қоғам", "kk")
    # Written in Russian only: its own title alone.
    assert [local(t.tag) for t in russian.find("cr:titles", NS)] == ["title"]
    assert text(russian, "cr:titles/cr:title") == "Участковый инспектор"


def test_without_an_english_title_the_russian_one_translates(book):
    Paper.objects.filter(pk=book["kazakh"].pk).update(title_en="")
    kazakh = deposit(book).find("cr:body/cr:conference/cr:conference_paper", NS)
    assert text(kazakh, "cr:titles/cr:title") == "Полиция и общество"
    assert text(kazakh, "cr:titles/cr:original_language_title") == "Полиция және қоғам"


def test_only_the_current_book(book):
    later = accepted(book["proceedings"].event)
    placed(book["proceedings"], [later])
    build = book["proceedings"].current_build()
    xml = crossref.deposit(book["proceedings"], build)
    papers = ET.fromstring(xml).findall("cr:body/cr:conference/cr:conference_paper", NS)
    assert [text(p, "cr:doi_data/cr:doi") for p in papers] == [
        f"{PREFIX}/public-safety-2025.{later.pk}"
    ]


def test_query_count_does_not_grow_with_the_papers(book, django_assert_num_queries):
    proceedings = book["proceedings"]
    for count in (1, 10):
        papers = [accepted(proceedings.event) for _ in range(count)]
        for paper in papers:
            AuthorFactory(paper=paper)
            AuthorFactory(paper=paper, surname_kk="Бегалиев")
        build = placed(proceedings, papers)
        # The entries with their papers, sections and texts, then the authors.
        with django_assert_num_queries(2):
            crossref.deposit(proceedings, build)


# --- What keeps it from being exported -----------------------------------------------------------


def test_ready_proceedings_have_no_problems(book):
    assert crossref.problems(book["proceedings"], book["build"]) == []


def test_a_prefix_and_an_address_crossref_would_refuse(book, settings):
    settings.CROSSREF_DOI_PREFIX = "12345"
    settings.CROSSREF_DEPOSITOR_EMAIL = "webmaster@localhost"
    problems = crossref.problems(book["proceedings"], book["build"])
    assert problems == [
        "CROSSREF_DOI_PREFIX is “12345”, which is not a DOI prefix such as 10.12345.",
        "Set CROSSREF_DEPOSITOR_EMAIL to the address Crossref writes to about the deposit "
        "(it is “webmaster@localhost”).",
    ]


def test_problems_say_what_is_missing(book, settings):
    settings.CROSSREF_DOI_PREFIX = ""
    proceedings = book["proceedings"]
    proceedings.published = False
    proceedings.publisher_kk = proceedings.publisher_ru = ""
    proceedings.organiser_kk = proceedings.organiser_ru = ""
    problems = crossref.problems(proceedings, None)
    assert len(problems) == 4
    assert "CROSSREF_DOI_PREFIX" in problems[0]
    assert "Build the book first" in problems[1]
    assert "Publish the proceedings first" in problems[2]
    assert "publisher" in problems[3]


# --- In the admin --------------------------------------------------------------------------------


def admin_url(book, name="crossref"):
    return reverse(f"admin:proceedings_proceedings_{name}", args=[book["proceedings"].pk])


@pytest.mark.parametrize("who", ["anonymous", "speaker", "other speaker"])
def test_only_staff_reach_the_export(client, book, who):
    if who != "anonymous":
        speaker = factories.speaker("serik" if who == "speaker" else "aliya")
        if who == "speaker":
            Paper.objects.filter(pk=book["kazakh"].pk).update(speaker=speaker.person)
        client.force_login(speaker)
    response = client.get(admin_url(book))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_the_organisers_may_not_export(client, book):
    client.force_login(factories.staff("guest"))
    assert client.get(admin_url(book)).status_code == 403


def test_organisers_download_the_deposit(client, book):
    client.force_login(factories.organiser("aigerim"))
    page = client.get(admin_url(book, "change"))
    assert admin_url(book) in page.text
    response = client.get(admin_url(book))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="public-safety-2025-crossref.xml"'
    )
    assert_valid(response.content)
    root = ET.fromstring(response.content)
    # Under SITE_URL, not the host the organiser came to (http://testserver).
    resources = root.findall(".//cr:doi_data/cr:resource", NS)
    assert [resource.text.startswith(f"{SITE}/") for resource in resources] == [True] * 3
    assert resources[1].text == card_url(book["kazakh"], "kk")


def test_without_a_doi_prefix_the_admin_says_so(client, book, settings):
    settings.CROSSREF_DOI_PREFIX = ""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(factories.organiser("aigerim"))
    page = client.get(admin_url(book, "change"))
    assert "The portal has no DOI prefix yet" in page.text
    assert admin_url(book) not in page.text
    response = client.get(admin_url(book), follow=True)
    assert response.redirect_chain[-1][0].endswith("#crossref")
    assert "set CROSSREF_DOI_PREFIX" in response.text
