"""The proceedings' models: papers and their review history (`papers`), reviewers, reviews and
originality checks (`reviews`), the open call and its applications (`calls`), the book (`book`)."""

from proceedings.models.book import BookBuild, BookEntry, Proceedings, book_path
from proceedings.models.calls import Application, Call, ReviewMode
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
from proceedings.models.reviews import OriginalityCheck, Review, ReviewAssignment

__all__ = [
    "Application",
    "Author",
    "BookBuild",
    "BookEntry",
    "Call",
    "OriginalityCheck",
    "Paper",
    "PaperStatusChange",
    "PaperVersion",
    "Proceedings",
    "Review",
    "ReviewAssignment",
    "ReviewMode",
    "Section",
    "TextCorrection",
    "book_path",
    "page_range",
    "paper_storage",
    "split_keywords",
]
