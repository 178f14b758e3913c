"""A paper's own PDF, cut from the book: its pages exactly as printed, folios and running heads
included, so that what a reader cites from the offprint matches the collection.

The pages are copied, not typeset again (pypdf keeps their content streams and fonts); the file
gets the paper's title, authors and language as its metadata, and page labels that number its
pages as the book does.

A build cuts every paper's offprint once, when it succeeds (`cut_all`, from proceedings/builds.py):
the book is read once for all of them, and each offprint's first page gets its source line at the
foot (the collection, its city, publisher and year, the pages: citations.source_line), typeset for
all papers in one WeasyPrint document and stamped on as the folios are (typesetting/folios.py).
"""

import io

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from proceedings import citations
from typesetting import folios
from typesetting.printing import lay_out

SOURCE_STAMP = NameObject("/OffprintSource")


def cut_all(book, entries):
    """The offprints (bytes) of `entries` (BookEntry rows of the build that made `book`, the PDF
    as bytes; saved or not), in their order, each with its source line."""
    references = [citations.reference(entry) for entry in entries]
    if not references:
        return []
    reader = PdfReader(io.BytesIO(book))
    lines = PdfReader(io.BytesIO(source_lines(references)))
    return [
        offprint_of(reader, reference, source_line=lines.pages[index])
        for index, reference in enumerate(references)
    ]


def offprint_of(book, reference, *, source_line=None):
    """The offprint of the paper `reference` (citations.reference) cites: its pages of `book`,
    its title, authors and language as the file's metadata."""
    return offprint(
        book,
        reference.first_page,
        reference.last_page,
        title=reference.title,
        authors=[name.direct for name in reference.authors],
        lang=reference.language,
        source_line=source_line,
    )


def source_lines(references):
    """One page per reference, its source line at the foot (print/book/source_lines.html)."""
    lines = [
        {"lang": reference.language, "text": citations.source_line(reference)}
        for reference in references
    ]
    html = render_to_string("print/book/source_lines.html", {"lines": lines, "lang": "kk"})
    return lay_out(html).write_pdf()


def offprint(book, first_page, last_page, *, title="", authors=(), lang="", source_line=None):
    """Pages `first_page`..`last_page` of `book` (a PdfReader, a file or a path; page 1 is the
    cover) as bytes; `source_line`, a page of `source_lines`, is stamped on the first.

    Raises ValueError when the range is not in the book.
    """
    reader = book if isinstance(book, PdfReader) else PdfReader(book)
    if not 1 <= first_page <= last_page <= len(reader.pages):
        raise ValueError(
            f"Pages {first_page}–{last_page} are not in a book of {len(reader.pages)} pages."
        )
    writer = PdfWriter()
    for index in range(first_page - 1, last_page):
        writer.add_page(reader.pages[index])
    if source_line is not None:
        folios.stamp(writer, [source_line], [0], name=SOURCE_STAMP)
    # Viewers then number the pages as the book does: the offprint's first page is "196".
    writer.set_page_label(0, last_page - first_page, style="/D", start=first_page)
    writer.add_metadata({"/Title": title, "/Author": ", ".join(authors)})
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
