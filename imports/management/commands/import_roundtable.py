from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.reading import ImportFailed
from imports.round_tables import import_roundtable


class Command(BaseCommand):
    help = (
        "Import a round table (event, people, programme, participants, resolution) from a YAML "
        "file. "
        "Importing the same file again changes nothing; an edited file updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The YAML file.")
        parser.add_argument(
            "--slug", help="Address of the round table when the file has no event.slug."
        )

    def handle(self, *args, path, slug, **options):
        try:
            result = import_roundtable(path, slug=slug)
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        if not options["verbosity"]:
            return
        counts = {
            "slug": result.slug,
            "items": result.programme_items,
            "people": result.people,
            "participations": result.participations,
            "sections": result.resolution_sections,
            "recommendations": result.resolution_items,
            "created": result.created.total(),
            "updated": result.updated.total(),
            "deleted": result.deleted.total(),
        }
        if result.resolution_sections:
            summary = _(
                "Imported %(slug)s: %(items)s programme items, %(people)s people, "
                "%(participations)s participations, a resolution of %(sections)s sections and "
                "%(recommendations)s items (created %(created)s, updated %(updated)s, "
                "deleted %(deleted)s)."
            )
        else:
            summary = _(
                "Imported %(slug)s: %(items)s programme items, %(people)s people, "
                "%(participations)s participations (created %(created)s, updated %(updated)s, "
                "deleted %(deleted)s)."
            )
        self.stdout.write(summary % counts)
        if result.released:
            self.stdout.write(
                _("Released version %(version)s of the programme.") % {"version": result.released}
            )
