"""Offprints: every paper's own PDF cut once per successful build, with the source line on its
first page, stored with the build and served to readers as stored; a failed build keeps the last
good book's offprints.

The books are real builds of tiny proceedings; the PDFs are read back with pypdf.
"""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from proceedings import builds, offprints
from proceedings.models import Paper, Section
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    broken_paper,
    tiny_proceedings,
)

# Whole books built.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def proceedings():
    """Published proceedings of three papers, in Kazakh, Russian and English."""
    proceedings = tiny_proceedings(papers=1)
    proceedings.published = True
    proceedings.save()
    section = Section.objects.get(event=proceedings.event)
    for position, language in ((1, "ru"), (2, "en")):
        paper = PaperFactory(
            event=proceedings.event,
            section=section,
            position=position,
            language=language,
            status=Paper.Status.ACCEPTED,
            title_en="Police and society",
        )
        AuthorFactory(paper=paper, surname_en="Akhmanov", given_name_en="Askar")
    return proceedings


def build(proceedings):
    return builds.build_now(proceedings)


def read(file):
    with file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def offprint_url(entry):
    with translation.override("en"):
        return reverse(
            "roundtable:article_pdf", args=[entry.build.proceedings.event.slug, entry.paper_id]
        )


def test_a_build_stores_every_papers_offprint_with_its_source_line(proceedings):
    made = build(proceedings)

    entries = list(made.entries.select_related("paper").order_by("number"))
    assert [entry.paper.language for entry in entries] == ["kk", "ru", "en"]
    book = read(made.pdf)
    pages = {"kk": "Б.", "ru": "С.", "en": "P."}
    collections = {
        "kk": "«Қоғамдық қауіпсіздік» дөңгелек үстелінің материалдары.",
        "ru": "Материалы круглого стола «Общественная безопасность».",
        "en": "Proceedings of the round table “Public safety”.",
    }
    for entry in entries:
        offprint = read(entry.offprint)
        assert len(offprint.pages) == entry.last_page - entry.first_page + 1
        assert offprint.page_labels[0] == str(entry.first_page)
        first = " ".join(offprint.pages[0].extract_text().split())
        language = entry.paper.language
        assert collections[language] in first
        assert "2025." in first
        assert f"{pages[language]} {entry.pages}." in first
        # The book's own page has no source line; the offprint's later pages neither.
        assert collections[language] not in book.pages[entry.first_page - 1].extract_text()
        for page in offprint.pages[1:]:
            assert collections[language] not in page.extract_text()
    kazakh = " ".join(read(entries[0].offprint).pages[0].extract_text().split())
    assert "Алматы : Алматы академиясы, 2025." in kazakh


def test_the_first_page_begins_with_the_papers_authors_and_title_not_the_section_heading(
    proceedings,
):
    made = build(proceedings)
    section = Section.objects.get(event=proceedings.event)
    opening, following = made.entries.select_related("paper").order_by("number")[:2]
    book = read(made.pdf)
    printed = book.pages[opening.first_page - 1].extract_text().splitlines()
    # The book prints the section's heading above the paper that opens the section.
    assert printed[0] == section.name_kk.upper()
    lines = [line for line in read(opening.offprint).pages[0].extract_text().splitlines() if line]
    assert section.name_kk.upper() not in " ".join(lines)
    assert section.name_ru.upper() not in " ".join(lines)
    assert lines[:2] == [
        "Ахманов\u00a0А.Т.",
        "Алматы академиясы, Алматы",
    ]  # with its no-break space
    assert lines[2].startswith("Полиция және қоғам")
    # The rest of the page is as the book prints it; a paper that does not open a section too.
    assert lines[:5] == [line for line in printed if line][2:7]
    assert (
        read(following.offprint)
        .pages[0]
        .extract_text()
        .startswith(book.pages[following.first_page - 1].extract_text())
    )


def test_a_failed_build_keeps_the_last_good_books_offprints(proceedings, client):
    good = build(proceedings)
    entry = good.entries.order_by("number").first()
    stored = entry.offprint.name
    before = entry.offprint.open("rb").read()
    broken_paper(proceedings)

    failed = build(proceedings)

    assert failed.status == failed.Status.FAILED
    assert not failed.entries.exists()
    entry.refresh_from_db()
    assert entry.offprint.name == stored
    assert entry.offprint.open("rb").read() == before
    response = client.get(offprint_url(entry))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == before


def test_readers_get_the_stored_offprint_without_a_cut_and_reloads_get_304(
    proceedings, client, monkeypatch
):
    entry = build(proceedings).entries.order_by("number").first()
    monkeypatch.setattr(offprints, "offprint", lambda *args, **kwargs: pytest.fail("cut again"))

    response = client.get(offprint_url(entry))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    body = b"".join(response.streaming_content)
    assert body == entry.offprint.open("rb").read()
    again = client.get(offprint_url(entry), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def stored_files(build):
    root = Path(build.pdf.storage.path(f"books/{build.proceedings.event.slug}"))
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_build_that_fails_while_cutting_offprints_stores_nothing(proceedings, monkeypatch):
    good = build(proceedings)
    files = stored_files(good)
    cut_all = offprints.cut_all

    def cut_one_then_fail(book, entries):
        yield cut_all(book, entries)[0]
        raise OSError("disk full")

    monkeypatch.setattr(offprints, "cut_all", cut_one_then_fail)

    failed = build(proceedings)

    assert failed.status == failed.Status.FAILED
    assert "disk full" in failed.error
    assert stored_files(good) == files  # neither the new book nor its first offprint is left
    assert proceedings.current_build() == good
    assert all(entry.offprint for entry in good.entries.all())
