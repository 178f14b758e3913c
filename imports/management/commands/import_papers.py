from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.papers import import_papers
from imports.reading import ImportFailed
from portal.organisers import DEMO_USERNAME


class Command(BaseCommand):
    help = (
        "Import papers (sections of the collection, papers, authors, files, review status) from a "
        "YAML manifest, acting as an organiser. Importing the same manifest again changes nothing; "
        "an edited manifest updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="The YAML manifest; files are named next to it."
        )
        parser.add_argument(
            "--user",
            default=DEMO_USERNAME,
            help="User name of the organiser the import acts as (default: %(default)s, the demo "
            "organiser).",
        )

    def handle(self, *args, path, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(
                _("No account '%(username)s': give an organiser's user name with --user.")
                % {"username": user}
            )
        try:
            result = import_papers(path, user=account)
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        if not options["verbosity"]:
            return
        self.stdout.write(
            _(
                "Imported papers of %(slug)s: %(papers)s papers by %(authors)s authors in "
                "%(sections)s sections (created %(created)s, updated %(updated)s, deleted "
                "%(deleted)s; %(versions)s files stored, %(moves)s status changes)."
            )
            % {
                "slug": result.slug,
                "papers": result.papers,
                "authors": result.authors,
                "sections": result.sections,
                "created": result.created.total(),
                "updated": result.updated.total(),
                "deleted": result.deleted.total(),
                "versions": result.versions_added,
                "moves": result.status_changes,
            }
        )
