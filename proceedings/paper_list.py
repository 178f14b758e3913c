"""The list of papers as a spreadsheet: what organisers download from the admin as CSV.

UTF-8 with a byte order mark, so that Excel reads Kazakh and Russian letters right; one row per
paper, in the order of the collection; headers in the language of the request.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from proceedings.models import Author, Paper, PaperStatusChange
from roundtable import spreadsheets


def author_names(paper, role=Author.Role.AUTHOR):
    """The authors as the paper's own language prints them: Ахманов А.Т., Бегалиев Е.Н.

    Reads prefetched `paper.authors`; a name not written in the paper's language falls back to
    the one modeltranslation shows.
    """
    return ", ".join(
        author.short_name_in(paper.language)
        for author in paper.authors.all()
        if author.role == role
    )


def for_export(papers):
    """`papers` with what the rows read, in a fixed number of queries."""
    last_comment = (
        PaperStatusChange.objects.filter(paper=OuterRef("pk"))
        .exclude(comment="")
        .order_by("-changed_at", "-pk")
        .values("comment")[:1]
    )
    return (
        papers.select_related("event", "section", "speaker", "current_version")
        .prefetch_related("authors")
        .annotate(last_comment=Subquery(last_comment))
        .order_by(*Paper._meta.ordering)
    )


def headers():
    return [
        _("No."),
        _("round table"),
        _("section of the collection"),
        _("title"),
        _("language of the paper"),
        _("authors"),
        _("speaker"),
        _("speaker's e-mail"),
        _("status"),
        _("current version"),
        _("file kind"),
        _("size in bytes"),
        _("uploaded at"),
        _("last comment"),
    ]


def row(paper):
    version = paper.current_version
    uploaded_at = (
        timezone.localtime(version.uploaded_at).strftime("%Y-%m-%d %H:%M") if version else ""
    )
    return [
        paper.pk,
        paper.event.slug,
        paper.section.name if paper.section else "",
        paper.title_in_own_language or "",
        paper.get_language_display(),
        author_names(paper),
        paper.speaker.full_name,
        paper.speaker.email,
        paper.get_status_display(),
        version.number if version else "",
        version.get_kind_display() if version else "",
        version.size if version else "",
        uploaded_at,
        paper.last_comment or "",
    ]


def filename(papers):
    """papers-<round table>-<date>.csv, or papers-<date>.csv for papers of several."""
    slugs = sorted({paper.event.slug for paper in papers})
    parts = ["papers", *slugs[:1]] if len(slugs) == 1 else ["papers"]
    return "-".join([*parts, timezone.localdate().isoformat()]) + ".csv"


def csv_response(papers):
    """An attachment with a header row and one row per paper of `papers` (a queryset)."""
    papers = list(for_export(papers))
    return spreadsheets.csv_response(filename(papers), headers(), (row(paper) for paper in papers))
