"""A paper's own PDF, cut from the book: its pages exactly as printed, folios and running heads
included, so that what a reader cites from the offprint matches the collection.

The pages are copied, not typeset again (pypdf keeps their content streams and fonts); the file
gets the paper's title, authors and language as its metadata, and page labels that number its
pages as the book does.
"""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


def offprint(book, first_page, last_page, *, title="", authors=(), lang=""):
    """Pages `first_page`..`last_page` of `book` (a file or path; page 1 is the cover) as bytes.

    Raises ValueError when the range is not in the book.
    """
    reader = PdfReader(book)
    if not 1 <= first_page <= last_page <= len(reader.pages):
        raise ValueError(
            f"Pages {first_page}–{last_page} are not in a book of {len(reader.pages)} pages."
        )
    writer = PdfWriter()
    for index in range(first_page - 1, last_page):
        writer.add_page(reader.pages[index])
    # Viewers then number the pages as the book does: the offprint's first page is "196".
    writer.set_page_label(0, last_page - first_page, style="/D", start=first_page)
    writer.add_metadata({"/Title": title, "/Author": ", ".join(authors)})
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
