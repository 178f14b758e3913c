"""Finished book builds, as a build leaves them, without typesetting: a succeeded BookBuild whose
PDF prints "page N" on its page N, and BookEntry rows saying where its papers stand. Tests of the
build itself run the real one (proceedings.builds.build_now)."""

import io

from django.core.files.base import ContentFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from proceedings.models import BookBuild, BookEntry


def numbered_pdf(count):
    """A PDF of `count` A4 pages, page N printing "page N" (as a book's folio would)."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for number in range(1, count + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 280 40 Td (page {number}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def two_pages_each(papers, first_page=3):
    """Placements of `papers` numbered 1, 2, … on two pages each, the first from `first_page`."""
    return [
        (paper, number, first_page + 2 * (number - 1), first_page + 2 * (number - 1) + 1)
        for number, paper in enumerate(papers, start=1)
    ]


def finished_build(proceedings, placements=(), *, pages=12):
    """A succeeded build of `proceedings` with a `pages`-page numbered PDF and `placements`:
    [(paper, number, first_page, last_page)]."""
    build = BookBuild.objects.create(
        proceedings=proceedings, status=BookBuild.Status.SUCCEEDED, page_count=pages
    )
    build.pdf.save("book.pdf", ContentFile(numbered_pdf(pages)))
    BookBuild.objects.filter(pk=build.pk).update(finished_at=build.requested_at)
    for paper, number, first, last in placements:
        BookEntry.objects.create(
            build=build, paper=paper, number=number, first_page=first, last_page=last
        )
    return build
