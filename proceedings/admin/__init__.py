"""The organisers' desk: papers and their sections (`papers`), the proceedings and their book
(`book`). Importing both registers their admins."""

from proceedings.admin import book, papers

__all__ = ["book", "papers"]
