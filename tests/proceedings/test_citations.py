"""Citing a paper of the book: GOST R 7.0.100-2018 text by the number of authors, BibTeX with TeX's
special characters escaped, RIS as reference managers read it, and the reference built from a
book entry in the paper's own language."""

import re

import pytest
from django.core.files.base import ContentFile

from proceedings import citations
from proceedings.citations import Name, Reference
from proceedings.models import BookBuild, BookEntry
from tests.proceedings.factories import AuthorFactory, PaperFactory, ProceedingsFactory

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
