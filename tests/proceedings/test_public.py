"""The published book's public pages: the contents, the article card with its meta tags and
citation, the paper's own PDF cut from the book, the whole book, BibTeX and RIS; who sees them
before and after publication; and their query counts.

The book here is test data made the way a build leaves it: a succeeded BookBuild whose PDF prints
"page N" on its page N, and BookEntry rows for the papers in it.
"""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html
from pypdf import PdfReader

from proceedings import offprints
from proceedings.models import BookBuild, Paper
from tests import factories
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    ProceedingsFactory,
    RoundTableFactory,
    SectionFactory,
    finished_build,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db
BOOK_PAGES = 12


@pytest.fixture
def book():
    """Published proceedings of a published round table: two sections, three accepted papers
    (a Kazakh one with two authors, two Russian ones), all in the current build."""
    event = RoundTableFactory(slug="public-safety-2025")
    proceedings = ProceedingsFactory(event=event, published=True, subtitle_kk="материалдар жинағы")
    law = SectionFactory(event=event, name_kk="Құқық", name_ru="Право", position=1)
    practice = SectionFactory(event=event, name_kk="Тәжірибе", name_ru="Практика", position=2)
    kazakh = PaperFactory(
        event=event,
        section=law,
        status=Paper.Status.ACCEPTED,
        title_kk="Полиция және қоғам",
        title_ru="Полиция и общество",
        title_en="",
        keywords_en="",
        abstract_en="",
    )
    AuthorFactory(paper=kazakh, organisation_en="Almaty Academy")
    AuthorFactory(
        paper=kazakh,
        surname_kk="Бегалиев",
        surname_ru="Бегалиев",
        given_name_kk="Ерлан",
        given_name_ru="Ерлан",
        patronymic_kk="Нұрланұлы",
        patronymic_ru="Нурланович",
    )
    russian = PaperFactory(
        event=event,
        section=law,
        language="ru",
        status=Paper.Status.ACCEPTED,
        title_ru="Участковый инспектор",
    )
    AuthorFactory(
        paper=russian, surname_ru="Иванов", given_name_ru="Иван", patronymic_ru="", patronymic_kk=""
    )
    third = PaperFactory(event=event, section=practice, language="ru", status=Paper.Status.ACCEPTED)
    AuthorFactory(paper=third)
    build = finished_build(proceedings, [(kazakh, 1, 3, 6), (russian, 2, 7, 7), (third, 3, 9, 12)])
    return {
        "event": event,
        "proceedings": proceedings,
        "build": build,
        "kazakh": kazakh,
        "russian": russian,
        "third": third,
    }


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs=kwargs)


def card_url(book, paper="kazakh", language="en", name="article"):
    return url(name, language, slug=book["event"].slug, pk=book[paper].pk)


def metas(response):
    """The page's <meta name=… content=…> tags as [(name, content, xml:lang)]."""
    tree = lxml_html.fromstring(response.content)
    return [
        (meta.get("name"), meta.get("content"), meta.get("xml:lang"))
        for meta in tree.xpath("//head/meta[@name]")
    ]


def pdf_text(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


# --- The contents --------------------------------------------------------------------------------


def test_contents_lists_papers_by_section_with_authors_and_pages(client, book):
    response = client.get(url("proceedings", "ru", slug="public-safety-2025"))
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Материалы круглого стола «Общественная безопасность»" in text
    assert "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары" in text
    assert "Proceedings of the round table “Public safety”" in text
    assert "978-601-7943-57-8" in text
    # Sections in order, each paper as the contents print it, in its own language.
    assert text.index("Право") < text.index("Ахманов А.Т., Бегалиев Е.Н. Полиция және қоғам 3–6")
    assert text.index("3–6") < text.index("Иванов И. Участковый инспектор 7")
    assert text.index("Участковый инспектор") < text.index("Практика") < text.index("9–12")
    assert card_url(book, "kazakh", "ru") in response.text
    assert url("proceedings_pdf", "ru", slug="public-safety-2025") in response.text


def test_contents_query_count(client, book, django_assert_num_queries):
    # the version (portal/page_cache.py), event and proceedings, build, entries, authors
    with django_assert_num_queries(5):
        client.get(url("proceedings", slug="public-safety-2025"))
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        client.get(url("proceedings", slug="public-safety-2025"))


def test_event_page_links_to_published_proceedings_only(client, book):
    event_url = url("event", slug="public-safety-2025")
    contents_url = url("proceedings", slug="public-safety-2025")
    assert contents_url in client.get(event_url).text
    book["proceedings"].published = False
    book["proceedings"].save()
    assert contents_url not in client.get(event_url).text


# --- The card ------------------------------------------------------------------------------------


def test_card_shows_the_paper_as_published(client, book):
    response = client.get(card_url(book, language="en"))
    assert response.status_code == 200
    text = text_of(response.text)
    for shown in [
        "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары",
        "Материалы круглого стола «Общественная безопасность»",
        "Proceedings of the round table “Public safety”",
        "978-601-7943-57-8",
        "Право",  # the section (no English name: its Russian one)
        "Number in the collection 1",
        "Pages 3–6",
        "Ахманов А.Т., Бегалиев Е.Н. Полиция және қоғам … 3–6",
        "Полиция және қоғам",
        "Almaty Academy, Алматы",
        "Begaliev Erlan Nurlanuly",  # in Latin letters, from the Kazakh name
        # Abstract and keywords: no English ones, so the paper's own (Kazakh).
        "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады.",
        "полиция, қоғам, серіктестік",
        "Ахманов, А. Т. Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев. – Мәтін : тікелей",
        "– Алматы : Алматы академиясы, 2025. – Б. 3–6.",
    ]:
        assert shown in text, shown
    assert card_url(book, name="article_pdf") in response.text
    assert card_url(book, name="article_bibtex") in response.text
    assert card_url(book, name="article_ris") in response.text


def test_card_in_the_readers_language(client, book):
    """Title (under the printed one), abstract and keywords as written in the reader's language."""
    text = text_of(client.get(card_url(book, language="ru")).text)
    assert "Полиция және қоғам Полиция и общество" in text
    assert "полиция, общество, партнёрство" in text
    assert "В статье рассматривается взаимодействие полиции и общества." in text


def test_card_in_kazakh_in_the_latin_alphabet(client, book):
    """A Russian paper's Kazakh abstract and keywords, in Latin letters; its title as written."""
    html = client.get(card_url(book, paper="russian", language="kk-latn")).text
    text = text_of(html)
    assert '<h2 id="article-title" lang="ru">Участковый инспектор</h2>' in html
    assert "Maqalada politsiia men qoğamnyñ özara ıs-qimyly qarastyrylady." in text
    assert "politsiia, qoğam, serıktestık" in text


def test_card_meta_tags_for_google_scholar_and_dublin_core(client, book):
    tags = metas(client.get(card_url(book, language="ru")))
    values = {}
    for name, content, _lang in tags:
        values.setdefault(name, []).append(content)
    assert values["citation_title"] == ["Полиция және қоғам"]
    assert values["citation_author"] == [
        "Ахманов, Асқар Төлегенұлы",
        "Бегалиев, Ерлан Нұрланұлы",
    ]
    assert values["citation_conference_title"] == [
        "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары"
    ]
    assert values["citation_isbn"] == ["978-601-7943-57-8"]
    assert (values["citation_firstpage"], values["citation_lastpage"]) == (["3"], ["6"])
    assert values["citation_publication_date"] == ["2025"]
    assert values["citation_language"] == ["kk"]
    assert values["citation_pdf_url"] == [
        "http://testserver" + card_url(book, language="ru", name="article_pdf")
    ]
    titles = [(content, lang) for name, content, lang in tags if name == "DC.title"]
    assert titles == [("Полиция және қоғам", "kk"), ("Полиция и общество", "ru")]
    assert values["DC.creator"] == values["citation_author"]
    assert values["DC.language"] == ["kk"]
    assert values["DC.date"] == ["2025"]
    assert values["DC.identifier"] == ["http://testserver" + card_url(book, language="ru")]
    assert "978-601-7943-57-8" in values["DC.source"][0]


def test_scholar_tags_name_each_authors_institution_and_orcid_and_the_doi(client, book, settings):
    settings.CROSSREF_DOI_PREFIX = "10.12345"
    author = book["kazakh"].authors.get(surname_kk="Ахманов")
    author.orcid = "0000-0002-1825-0097"
    author.save()
    tags = [
        (name, content)
        for name, content, _lang in metas(client.get(card_url(book, language="ru")))
        if name.startswith("citation_author")
    ]
    # Each author's institution and ORCID follow that author, as Scholar pairs them.
    assert tags == [
        ("citation_author", "Ахманов, Асқар Төлегенұлы"),
        ("citation_author_institution", "Алматы академиясы, Алматы"),
        ("citation_author_orcid", "https://orcid.org/0000-0002-1825-0097"),
        ("citation_author", "Бегалиев, Ерлан Нұрланұлы"),
        ("citation_author_institution", "Алматы академиясы, Алматы"),
    ]
    doi = f"10.12345/public-safety-2025.{book['kazakh'].pk}"
    values = {name: content for name, content, _lang in metas(client.get(card_url(book)))}
    assert values["citation_doi"] == doi


def test_the_card_shows_the_doi_and_the_licence_only_when_there_are_some(client, book, settings):
    settings.CROSSREF_DOI_PREFIX = ""
    page = client.get(card_url(book))
    assert "citation_doi" not in {name for name, _content, _lang in metas(page)}
    assert "DOI" not in text_of(page.text)
    assert "Licence" not in text_of(page.text)
    settings.CROSSREF_DOI_PREFIX = "10.12345"
    book["proceedings"].licence = "CC BY 4.0"
    book["proceedings"].save()
    page = client.get(card_url(book))
    doi = f"10.12345/public-safety-2025.{book['kazakh'].pk}"
    text = text_of(page.text)
    assert f"DOI {doi}" in text
    assert "Licence CC BY 4.0" in text
    tree = lxml_html.fromstring(page.content)
    assert tree.xpath("//a[@rel='license']/@href") == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    assert tree.xpath(f"//a[text()='{doi}']/@href") == [f"https://doi.org/{doi}"]
    # The reference to copy ends with the DOI.
    assert tree.xpath("string(//p[@class='article-citation'])").endswith(f"– DOI {doi}.")


def test_card_query_count(client, book, django_assert_num_queries):
    # the version (portal/page_cache.py), event and proceedings, build, entry and paper,
    # authors
    with django_assert_num_queries(5):
        client.get(card_url(book))
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        client.get(card_url(book))


def test_card_address_survives_a_rebuild_that_renumbers(client, book):
    """Cards are addressed by paper: a new build moves the paper, the card shows the new pages."""
    first_url = card_url(book, "russian")
    finished_build(
        book["proceedings"],
        [(book["russian"], 1, 3, 4), (book["kazakh"], 2, 5, 8), (book["third"], 3, 9, 12)],
    )
    text = text_of(client.get(first_url).text)
    assert "Number in the collection 1" in text
    assert "Pages 3–4" in text


def test_a_failed_newer_build_leaves_the_published_pages(client, book):
    BookBuild.objects.create(proceedings=book["proceedings"], status=BookBuild.Status.FAILED)
    assert "Pages 3–6" in text_of(client.get(card_url(book)).text)


# --- Files ---------------------------------------------------------------------------------------


def test_paper_pdf_is_its_pages_of_the_book(client, book):
    response = client.get(card_url(book, name="article_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pdf_text(response.content) == ["page 3", "page 4", "page 5", "page 6"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Полиция және қоғам"
    assert reader.metadata.author == "А. Т. Ахманов, Е. Н. Бегалиев"
    assert reader.trailer["/Root"]["/Lang"] == "kk"
    assert reader.page_labels == ["3", "4", "5", "6"]


def test_paper_pdf_is_cut_once_per_book_and_after_an_edit_again(client, book, monkeypatch):
    cuts = []
    cut = offprints.offprint
    monkeypatch.setattr(offprints, "offprint", lambda *a, **k: cuts.append(1) or cut(*a, **k))
    first = client.get(card_url(book, name="article_pdf")).content
    assert client.get(card_url(book, name="article_pdf")).content == first
    assert len(cuts) == 1

    author = book["kazakh"].authors.get(surname_kk="Ахманов")
    author.surname_kk = "Ахметов"
    author.save()
    renamed = PdfReader(io.BytesIO(client.get(card_url(book, name="article_pdf")).content))
    assert renamed.metadata.author == "А. Т. Ахметов, Е. Н. Бегалиев"
    assert len(cuts) == 2


def test_one_page_paper_pdf(client, book):
    assert pdf_text(client.get(card_url(book, "russian", name="article_pdf")).content) == ["page 7"]


def test_whole_book_download(client, book):
    response = client.get(url("proceedings_pdf", slug="public-safety-2025"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert len(pdf_text(b"".join(response.streaming_content))) == BOOK_PAGES


def test_bibtex_download(client, book):
    response = client.get(card_url(book, name="article_bibtex"))
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith(f"@inproceedings{{public-safety-2025-{book['kazakh'].pk},")
    assert "  pages = {3--6}," in text
    assert f"  url = {{http://testserver{card_url(book)}}}," in text


def test_ris_download(client, book):
    response = client.get(card_url(book, "russian", name="article_ris"))
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("TY  - CPAPER\r\nAU  - Иванов, Иван\r\nTI  - Участковый инспектор\r\n")
    assert "SP  - 7\r\nEP  - 7\r\n" in text


@pytest.mark.parametrize(
    "name", ["article_pdf", "article_bibtex", "article_ris", "article_csl_json", "proceedings_pdf"]
)
def test_a_reader_reloading_an_unchanged_file_gets_304_and_after_an_edit_the_new_one(
    client, book, name
):
    """The book's files answer conditional GETs as the programme's feeds and the API do: a
    reference manager re-checking a paper downloads nothing until something changes."""
    address = (
        card_url(book, name=name)
        if name != "proceedings_pdf"
        else url(name, slug=book["event"].slug)
    )
    first = client.get(address)
    assert first.status_code == 200
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = client.get(address, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    author = book["kazakh"].authors.get(surname_kk="Ахманов")
    author.surname_kk = "Ахметов"
    author.save()
    assert client.get(address, headers={"If-None-Match": first["ETag"]}).status_code == 200


# --- Who sees what -------------------------------------------------------------------------------

PUBLIC_URLS = [
    ("proceedings", False),
    ("proceedings_pdf", False),
    ("article", True),
    ("article_pdf", True),
    ("article_bibtex", True),
    ("article_ris", True),
]


def every_url(book):
    slug = book["event"].slug
    return [
        url(name, slug=slug, **({"pk": book["kazakh"].pk} if per_paper else {}))
        for name, per_paper in PUBLIC_URLS
    ]


@pytest.mark.parametrize("who", ["anonymous", "speaker", "staff"])
def test_unpublished_proceedings_do_not_exist_for_the_public(client, book, who):
    book["proceedings"].published = False
    book["proceedings"].save()
    if who == "speaker":
        # The paper's own speaker sees it on their papers page, not here before publication.
        user = factories.speaker()
        Paper.objects.filter(pk=book["kazakh"].pk).update(speaker=user.person)
        client.force_login(user)
    elif who == "staff":
        client.force_login(factories.staff("guest"))
    for address in every_url(book):
        assert client.get(address).status_code == 404, address


def test_organisers_preview_unpublished_proceedings(client, book):
    book["proceedings"].published = False
    book["proceedings"].save()
    client.force_login(factories.organiser("aigerim"))
    for address in every_url(book):
        assert client.get(address).status_code == 200, address
    assert "Not published" in client.get(card_url(book)).text


def test_published_proceedings_of_an_unpublished_round_table_stay_hidden(client, book):
    book["event"].published = False
    book["event"].save()
    for address in every_url(book):
        assert client.get(address).status_code == 404, address


def test_a_paper_outside_the_current_book_has_no_card(client, book):
    later = PaperFactory(event=book["event"], status=Paper.Status.ACCEPTED)
    client.force_login(factories.organiser("aigerim"))
    for name in ("article", "article_pdf", "article_bibtex", "article_ris"):
        address = url(name, slug=book["event"].slug, pk=later.pk)
        assert client.get(address).status_code == 404, address


def test_a_paper_of_another_round_table_has_no_card_here(client, book):
    other = ProceedingsFactory(published=True)
    paper = PaperFactory(event=other.event, status=Paper.Status.ACCEPTED)
    finished_build(other, [(paper, 1, 3, 4)])
    assert client.get(url("article", slug=book["event"].slug, pk=paper.pk)).status_code == 404


def test_proceedings_without_a_book_yet(client):
    proceedings = ProceedingsFactory(published=True)
    slug = proceedings.event.slug
    response = client.get(url("proceedings", slug=slug))
    assert response.status_code == 200
    assert "The book has not been built yet." in response.text
    assert client.get(url("proceedings_pdf", slug=slug)).status_code == 404


def test_a_round_table_without_proceedings(client):
    event = RoundTableFactory()
    assert client.get(url("proceedings", slug=event.slug)).status_code == 404
