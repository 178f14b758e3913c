"""Citing a paper of the book: GOST R 7.0.100-2018 text by the number of authors, BibTeX with TeX's
special characters escaped and RIS, both parsed back as reference managers read them (bibtexparser,
rispy), CSL-JSON and its download from the card, and the reference built from a book entry in the
paper's own language."""

import datetime
import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from proceedings import citations
from proceedings.citations import Name, Reference
from proceedings.models import BookBuild, BookEntry, Paper
from tests import factories
from tests.factories import AuthorFactory, PaperFactory, ProceedingsFactory, RoundTableFactory

AKHMANOV = Name("Ахманов", "Асқар", "Төлегенұлы")
BEGALIEV = Name("Бегалиев", "Ерлан", "Нұрланұлы")
IVANOV = Name("Иванов", "Иван", "Иванович")
PETROV = Name("Петров", "Пётр")
SIDOROV = Name("Сидоров", "Сидор", "Сидорович")


def ref(**changes):
    fields = {
        "key": "public-safety-2025-7",
        "language": "kk",
        "authors": (AKHMANOV, BEGALIEV),
        "title": "Полиция және қоғам",
        "collection": "Материалы круглого стола «Общественная безопасность»",
        "collection_note": "сборник материалов",
        "organiser": "Алматинская академия МВД Республики Казахстан",
        "city": "Алматы",
        "publisher": "Алматинская академия",
        "year": 2025,
        "first_page": 196,
        "last_page": 201,
        "isbn": "978-601-7943-57-8",
        "url": "https://rt.example.kz/kk/public-safety-2025/proceedings/7/",
        "keywords": ("полиция", "қоғам"),
        "abstract": "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады.",
        "event_title": "Қоғамдық қауіпсіздікті қамтамасыз ету",
        "event_date": datetime.date(2025, 5, 23),
        "event_place": "Алматы академиясы, Алматы",
    }
    return Reference(**(fields | changes))


# --- GOST R 7.0.100-2018 -------------------------------------------------------------------------


def test_gost_two_authors_heading_then_all_authors_in_the_paper_language():
    assert citations.gost(ref()) == (
        "Ахманов, А. Т. Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев. – Мәтін : тікелей "
        "// Материалы круглого стола «Общественная безопасность» : сборник материалов "
        "/ Алматинская академия МВД Республики Казахстан. – Алматы : Алматинская академия, "
        "2025. – Б. 196–201."
    )


def test_gost_one_russian_author_one_page():
    text = citations.gost(
        ref(language="ru", authors=(IVANOV,), title="Полиция и общество.", last_page=196)
    )
    assert text.startswith("Иванов, И. И. Полиция и общество / И. И. Иванов. – Текст : ")
    assert text.endswith("– С. 196.")


def test_gost_three_authors_keep_the_heading():
    text = citations.gost(ref(authors=(AKHMANOV, BEGALIEV, IVANOV)))
    assert text.startswith("Ахманов, А. Т. Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев, ")
    assert "И. И. Иванов. –" in text


def test_gost_four_authors_start_with_the_title_and_name_all_four():
    text = citations.gost(ref(language="ru", authors=(AKHMANOV, BEGALIEV, IVANOV, PETROV)))
    assert text.startswith(
        "Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев, И. И. Иванов, П. Петров. – Текст"
    )


def test_gost_five_authors_name_the_first_three_and_others():
    authors = (AKHMANOV, BEGALIEV, IVANOV, PETROV, SIDOROV)
    assert citations.gost(ref(language="ru", authors=authors)).startswith(
        "Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев, И. И. Иванов [и др.]. – Текст"
    )
    assert "[et al.]" in citations.gost(ref(language="en", authors=authors))
    assert "[және т.б.]" in citations.gost(ref(language="kk", authors=authors))


def test_gost_without_publisher_or_subtitle_keeps_its_punctuation():
    text = citations.gost(ref(collection_note="", organiser="", publisher="", city=""))
    assert "// Материалы круглого стола «Общественная безопасность». – 2025. – Б. 196–201." in text


# --- BibTeX --------------------------------------------------------------------------------------


def braces_balance(text):
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_fields(text):
    """The fields of one BibTeX entry as {name: value}, values as written (escapes kept)."""
    return dict(re.findall(r"^  (\w+) = \{(.*)\},$", text, re.M))


def test_bibtex_inproceedings_with_book_fields():
    text = citations.bibtex(ref())
    assert text.startswith("@inproceedings{public-safety-2025-7,\n")
    fields = bibtex_fields(text)
    assert fields["author"] == "Ахманов, Асқар Төлегенұлы and Бегалиев, Ерлан Нұрланұлы"
    assert fields["booktitle"] == "Материалы круглого стола «Общественная безопасность»"
    assert fields["pages"] == "196--201"
    assert fields["isbn"] == "978-601-7943-57-8"
    assert fields["year"] == "2025"
    assert fields["publisher"] == "Алматинская академия"
    assert fields["address"] == "Алматы"
    assert fields["language"] == "kazakh"
    assert braces_balance(text)


def test_bibtex_escapes_special_characters():
    title = r"50% of {cases} & $costs_#1 ~ ^ \ Ж"
    text = citations.bibtex(ref(title=title, authors=(Name("O'Neil, Jr", "Pat"),)))
    fields = bibtex_fields(text)
    assert fields["title"] == (
        r"50\% of \{cases\} \& \$costs\_\#1 \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} Ж"
    )
    # A comma inside a surname would split the name: the surname is braced.
    assert fields["author"] == "{O'Neil, Jr}, Pat"
    assert braces_balance(text)


def test_bibtex_values_stay_on_one_line():
    text = citations.bibtex(ref(abstract="First line.\nSecond\tline."))
    assert bibtex_fields(text)["abstract"] == "First line. Second line."


def parsed_bibtex(text):
    """The one entry of `text` as bibtexparser 2 reads it: authors split into name parts, then
    TeX's commands decoded back to the characters they stand for."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    assert not library.failed_blocks
    [entry] = library.entries
    return entry


def test_bibtex_parses_back_to_the_reference():
    entry = parsed_bibtex(citations.bibtex(ref()))
    assert (entry.entry_type, entry.key) == ("inproceedings", "public-safety-2025-7")
    fields = entry.fields_dict
    assert [(name.last, name.first) for name in fields["author"].value] == [
        (["Ахманов"], ["Асқар", "Төлегенұлы"]),
        (["Бегалиев"], ["Ерлан", "Нұрланұлы"]),
    ]
    assert {
        name: fields[name].value
        for name in (
            "title",
            "booktitle",
            "year",
            "pages",
            "publisher",
            "address",
            "isbn",
            "language",
            "keywords",
            "url",
        )
    } == {
        "title": "Полиция және қоғам",
        "booktitle": "Материалы круглого стола «Общественная безопасность»",
        "year": "2025",
        "pages": "196–201",  # "--" decodes to the en dash it typesets as
        "publisher": "Алматинская академия",
        "address": "Алматы",
        "isbn": "978-601-7943-57-8",
        "language": "kazakh",
        "keywords": "полиция, қоғам",
        "url": "https://rt.example.kz/kk/public-safety-2025/proceedings/7/",
    }


def test_the_bibtex_url_is_written_verbatim_as_biblatex_reads_it():
    address = "https://rt.example.kz/kk/a_b/?q=50%25&page=2#note_1"

    text = citations.bibtex(ref(url=address))

    # Read without decoding TeX, as biblatex's verbatim `url` field is.
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry.fields_dict["url"].value == address
    # An unbalanced brace in an address would end the value: it is percent-encoded instead.
    library = bibtexparser.parse_string(citations.bibtex(ref(url="https://x.kz/a{b")))
    assert not library.failed_blocks
    assert library.entries[0].fields_dict["url"].value == "https://x.kz/a%7Bb"


def test_bibtex_special_characters_parse_back_to_the_text():
    title = r"50% of {cases} & $costs_#1 ~ \ Ж"
    authors = (Name("O'Neil, Jr", "Pat"), Name("Smith and Wesson", "Ann"), IVANOV)
    entry = parsed_bibtex(citations.bibtex(ref(title=title, authors=authors)))
    assert entry.fields_dict["title"].value == title
    # Each braced surname stays one name with its comma or "and"; three authors, not four.
    assert [name.first for name in entry.fields_dict["author"].value] == [
        ["Pat"],
        ["Ann"],
        ["Иван", "Иванович"],
    ]
    assert len(entry.fields_dict["author"].value) == 3


# --- RIS -----------------------------------------------------------------------------------------


def ris_lines(text):
    assert text.endswith("ER  - \r\n")
    return [tuple(line.split("  - ", 1)) for line in text.split("\r\n") if line]


def test_ris_conference_paper_record():
    lines = ris_lines(citations.ris(ref()))
    assert lines[0] == ("TY", "CPAPER")
    assert lines[-1] == ("ER", "")
    tags = dict(lines)
    assert [value for tag, value in lines if tag == "AU"] == [
        "Ахманов, Асқар Төлегенұлы",
        "Бегалиев, Ерлан Нұрланұлы",
    ]
    assert tags["TI"] == "Полиция және қоғам"
    assert tags["T2"] == "Материалы круглого стола «Общественная безопасность»"
    assert (tags["SN"], tags["SP"], tags["EP"], tags["PY"]) == (
        "978-601-7943-57-8",
        "196",
        "201",
        "2025",
    )
    assert (tags["PB"], tags["CY"], tags["LA"]) == ("Алматинская академия", "Алматы", "kk")
    assert tags["UR"] == "https://rt.example.kz/kk/public-safety-2025/proceedings/7/"
    assert [value for tag, value in lines if tag == "KW"] == ["полиция", "қоғам"]


def test_ris_leaves_out_empty_fields():
    tags = dict(ris_lines(citations.ris(ref(publisher="", url="", abstract=""))))
    assert not {"PB", "UR", "AB"} & set(tags)


def test_ris_parses_back_to_the_reference():
    [record] = rispy.loads(citations.ris(ref()))
    assert record == {
        "type_of_reference": "CPAPER",
        "authors": ["Ахманов, Асқар Төлегенұлы", "Бегалиев, Ерлан Нұрланұлы"],
        "title": "Полиция және қоғам",
        "secondary_title": "Материалы круглого стола «Общественная безопасность»",  # T2
        "issn": "978-601-7943-57-8",  # SN: rispy names it for journals; books put the ISBN here
        "start_page": "196",
        "end_page": "201",
        "year": "2025",
        "publisher": "Алматинская академия",
        "place_published": "Алматы",
        "language": "kk",
        "urls": ["https://rt.example.kz/kk/public-safety-2025/proceedings/7/"],
        "keywords": ["полиция", "қоғам"],
        "abstract": "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады.",
    }


def test_ris_values_with_line_breaks_stay_one_record():
    [record] = rispy.loads(citations.ris(ref(title="Полиция\r\nжәне қоғам", abstract="A\nB")))
    assert (record["title"], record["abstract"]) == ("Полиция және қоғам", "A B")


# --- CSL-JSON ------------------------------------------------------------------------------------


def test_csl_json_paper_conference_item():
    [item] = json.loads(citations.csl_json(ref()))
    assert item == {
        "id": "public-safety-2025-7",
        "citation-key": "public-safety-2025-7",
        "type": "paper-conference",
        "title": "Полиция және қоғам",
        "author": [
            {"family": "Ахманов", "given": "Асқар Төлегенұлы"},
            {"family": "Бегалиев", "given": "Ерлан Нұрланұлы"},
        ],
        "container-title": "Материалы круглого стола «Общественная безопасность»",
        "event-title": "Қоғамдық қауіпсіздікті қамтамасыз ету",
        "event-place": "Алматы академиясы, Алматы",
        "event-date": {"date-parts": [[2025, 5, 23]]},
        "publisher": "Алматинская академия",
        "publisher-place": "Алматы",
        "issued": {"date-parts": [[2025]]},
        "page": "196-201",
        "ISBN": "978-601-7943-57-8",
        "language": "kk",
        "URL": "https://rt.example.kz/kk/public-safety-2025/proceedings/7/",
        "keyword": "полиция, қоғам",
        "abstract": "Мақалада полиция мен қоғамның өзара іс-қимылы қарастырылады.",
    }


def test_csl_json_keeps_cyrillic_and_leaves_out_what_is_missing():
    text = citations.csl_json(
        ref(authors=(Name("Петров"),), last_page=196, publisher="", url="", event_date=None)
    )
    assert "Петров" in text  # UTF-8 as written, not \u escapes
    [item] = json.loads(text)
    assert item["author"] == [{"family": "Петров"}]
    assert item["page"] == "196"
    assert not {"publisher", "URL", "event-date"} & set(item)


# --- From the book -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reference_from_a_book_entry_in_the_papers_language():
    proceedings = ProceedingsFactory(subtitle_ru="сборник материалов", subtitle_kk="")
    paper = PaperFactory(event=proceedings.event, language="ru", title_ru="Полиция и общество")
    AuthorFactory(paper=paper, surname_ru="ИВАНОВ", given_name_ru="Иван", patronymic_ru="")
    AuthorFactory(paper=paper, role="supervisor", surname_ru="Петров")
    build = BookBuild.objects.create(proceedings=proceedings, status=BookBuild.Status.SUCCEEDED)
    build.pdf.save("book.pdf", ContentFile(b"%PDF-1.7\n"))
    entry = BookEntry.objects.create(build=build, paper=paper, number=3, first_page=9, last_page=14)

    reference = citations.reference(entry, url="https://rt.example.kz/card/")

    assert reference.language == "ru"
    assert reference.authors == (Name("Иванов", "Иван", ""),)  # the supervisor is not an author
    assert reference.collection == "Материалы круглого стола «Общественная безопасность»"
    assert reference.collection_note == "сборник материалов"
    assert (reference.first_page, reference.last_page, reference.pages) == (9, 14, "9–14")
    assert reference.isbn == "978-601-7943-57-8"
    assert reference.key == f"{proceedings.event.slug}-{paper.pk}"
    assert citations.gost(reference).startswith("Иванов, И. Полиция и общество / И. Иванов. –")
    # The round table, in the paper's language: its venue and the collection's city.
    assert reference.event_title == proceedings.event.theme_ru
    assert reference.event_date == datetime.date(2025, 5, 23)
    assert reference.event_place == "Алматинская академия, Алматы"


DOI = "10.12345/public-safety-2025.7"


def test_the_doi_in_every_format():
    reference = ref(doi=DOI)
    assert citations.gost(reference).endswith("– Б. 196–201. – DOI 10.12345/public-safety-2025.7.")
    assert "  doi = {10.12345/public-safety-2025.7},\n" in citations.bibtex(reference)
    assert "DO  - 10.12345/public-safety-2025.7\r\n" in citations.ris(reference)
    assert citations.csl_item(reference)["DOI"] == DOI


def test_no_doi_in_any_format_without_one():
    reference = ref()
    assert "DOI" not in citations.gost(reference)
    assert "doi" not in citations.bibtex(reference)
    assert "DO  -" not in citations.ris(reference)
    assert "DOI" not in citations.csl_item(reference)


@pytest.mark.django_db
def test_the_reference_has_the_papers_doi_once_the_portal_has_a_prefix(settings):
    paper = published_paper()
    entry = paper.book_entries.get()
    settings.CROSSREF_DOI_PREFIX = ""
    assert citations.reference(entry).doi == ""
    settings.CROSSREF_DOI_PREFIX = "10.12345"
    assert citations.reference(entry).doi == f"10.12345/public-safety-2025.{paper.pk}"


@pytest.mark.django_db
def test_the_reference_names_where_each_author_works_and_their_orcid():
    paper = published_paper()
    author = paper.authors.get()
    author.country_kk = "Қазақстан"
    author.orcid = "0000-0002-1825-0097"
    author.save()
    (name,) = citations.reference(paper.book_entries.get()).authors
    assert name.institution == "Алматы академиясы, Алматы, Қазақстан"
    assert name.orcid == "0000-0002-1825-0097"


# --- The CSL-JSON download -----------------------------------------------------------------------


def published_paper(authors=1, *, published=True):
    """A paper with `authors` authors in the current build of published proceedings."""
    event = RoundTableFactory(slug="public-safety-2025")
    proceedings = ProceedingsFactory(event=event, published=published)
    paper = PaperFactory(event=event, status=Paper.Status.ACCEPTED, title_kk="Полиция және қоғам")
    for _ in range(authors):
        AuthorFactory(paper=paper)
    build = BookBuild.objects.create(proceedings=proceedings, status=BookBuild.Status.SUCCEEDED)
    BookBuild.objects.filter(pk=build.pk).update(finished_at=build.requested_at)
    BookEntry.objects.create(build=build, paper=paper, number=4, first_page=9, last_page=14)
    return paper


def csl_url(paper, name="article_csl_json"):
    with translation.override("en"):
        return reverse(f"roundtable:{name}", args=[paper.event.slug, paper.pk])


@pytest.mark.django_db
def test_csl_json_download_from_the_card(client):
    paper = published_paper()
    card = client.get(csl_url(paper, "article"))
    assert f'href="{csl_url(paper)}"' in card.text
    response = client.get(csl_url(paper))
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="public-safety-2025-004.json"'
    [item] = json.loads(response.content)
    assert (item["type"], item["title"], item["page"]) == (
        "paper-conference",
        "Полиция және қоғам",
        "9-14",
    )
    assert item["URL"] == f"http://testserver{csl_url(paper, 'article')}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 404), ("staff", 404), ("organiser", 200)]
)
def test_csl_json_of_unpublished_proceedings_only_for_organisers(client, who, status):
    paper = published_paper(published=False)
    if who != "anonymous":
        client.force_login(
            factories.organiser("aigerim") if who == "organiser" else factories.staff("guest")
        )
    assert client.get(csl_url(paper)).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("authors", [1, 10])
def test_csl_json_query_count(client, django_assert_num_queries, authors):
    paper = published_paper(authors)
    # The version (roundtable/page_cache.py), the round table with its proceedings, their
    # current build, the entry, the authors.
    with django_assert_num_queries(5):
        response = client.get(csl_url(paper))
    assert len(json.loads(response.content)[0]["author"]) == authors
    with django_assert_num_queries(1):  # the version: the file comes from the cache
        client.get(csl_url(paper))
