"""The proceedings' models: papers and their review (`papers`), the open call and its
applications (`calls`), the book (`book`)."""

from proceedings.models.book import BookBuild, BookEntry, Proceedings, book_path
from proceedings.models.calls import Application, Call
from proceedings.models.papers import (
    Author,
    Paper,
    PaperStatusChange,
    PaperVersion,
    Section,
    TextCorrection,
    page_range,
    paper_storage,
    split_keywords,
)

__all__ = [
    "Application",
    "Author",
    "BookBuild",
    "BookEntry",
    "Call",
    "Paper",
    "PaperStatusChange",
    "PaperVersion",
    "Proceedings",
    "Section",
    "TextCorrection",
    "book_path",
    "page_range",
    "paper_storage",
    "split_keywords",
]
