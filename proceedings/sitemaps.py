"""The papers of the published books in the sitemap: each card once, at its address in the
paper's own language (the one its pages name as canonical), with the date of its book."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import translation

from portal.sitemaps import SiteSitemap
from proceedings.models import BookBuild, BookEntry


class PaperSitemap(SiteSitemap):
    def items(self):
        current = (
            BookBuild.objects.books()
            .filter(proceedings=OuterRef("build__proceedings"))
            .values("pk")[:1]
        )
        return (
            BookEntry.objects.filter(
                build__proceedings__published=True,
                build__proceedings__event__published=True,
                build=Subquery(current),
            )
            .select_related("paper", "build__proceedings__event")
            .order_by("build__proceedings__event__slug", "number")
        )

    def location(self, entry):
        with translation.override(entry.paper.language):
            return reverse(
                "roundtable:article", args=[entry.build.proceedings.event.slug, entry.paper_id]
            )

    def lastmod(self, entry):
        return entry.build.finished_at
