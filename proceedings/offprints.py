"""A paper's own PDF, cut from the book: its pages exactly as printed, folios and running heads
included, so that what a reader cites from the offprint matches the collection.

The pages are copied, not typeset again (pypdf keeps their content streams and fonts); the file
gets the paper's title, authors and language as its metadata, and page labels that number its
pages as the book does.

Its first page begins with the paper's own head (codes, authors, title), as Google Scholar, which
takes the top line for the title, needs: when the paper opens its section, the book prints the
section's heading above it, outside the paper's <article> (its /Art structure element), and the
offprint's first page keeps that place blank, the heading's text taken out of the page.

A build cuts every paper's offprint once, when it succeeds (`cut_all`, from proceedings/builds.py):
the book is read once for all of them, and each offprint's first page gets its source line at the
foot (the collection, its city, publisher and year, the pages: citations.source_line), typeset for
all papers in one WeasyPrint document and stamped on as the folios are (typesetting/folios.py).
"""

import io

from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject, TextStringObject

from proceedings import citations
from typesetting import folios, structure_tree
from typesetting.printing import lay_out

SOURCE_STAMP = NameObject("/OffprintSource")
# The paper as the book tags it: everything print/paper_article.html prints is inside it.
PAPER = "/Art"
SHOWS_TEXT = {b"Tj", b"TJ", b"'", b'"'}


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


def erase_text(page, mcids):
    """`page` without the text shown in the marked content of `mcids` (its place left blank):
    only the text-showing operators go, so the graphics state the rest of the page draws in is
    the same."""
    content = ContentStream(page.get_contents(), page.indirect_reference.pdf)
    kept, open_ids = [], []
    for operands, operator in content.operations:
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
            mcid = properties.get("/MCID") if hasattr(properties, "get") else None
            open_ids.append(mcid)
        elif operator == b"EMC" and open_ids:
            open_ids.pop()
        elif operator in SHOWS_TEXT and any(mcid in mcids for mcid in open_ids):
            continue
        kept.append((operands, operator))
    content.operations = kept
    page.replace_contents(content)


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
    heading = structure_tree.marked_outside(reader, reader.pages[first_page - 1], PAPER)
    if heading:
        erase_text(writer.pages[0], heading)
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
