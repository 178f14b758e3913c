"""The organisers' desk: papers and their sections (`papers`), the open call and its applications
(`calls`), the proceedings and their book (`book`). Importing them registers their admins."""

from proceedings.admin import book, calls, papers

__all__ = ["book", "calls", "papers"]
