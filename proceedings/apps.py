from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceedingsConfig(AppConfig):
    """Papers, their uploaded versions and review; the proceedings book."""

    name = "proceedings"
    verbose_name = _("Proceedings")

    def ready(self):
        from portal import versions
        from proceedings.models import Author, BookBuild, Paper, Proceedings, Section

        versions.track(Section, lambda section: [section.event_id])
        versions.track(Paper, lambda paper: [paper.event_id])
        versions.track(Author, lambda author: [author.paper.event_id])
        versions.track(Proceedings, lambda proceedings: [proceedings.event_id])
        # A build's page ranges (BookEntry rows, bulk-created) are saved with the build itself.
        versions.track(BookBuild, lambda build: [build.proceedings.event_id])
