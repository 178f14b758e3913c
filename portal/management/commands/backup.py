from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from portal import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format) and the papers, books and media files, "
        "with a manifest of row counts and checksums (portal/backups.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", help="a new directory (default: var/backups/<UTC time>/)"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory=None, database="default", **options):
        directory = directory or backups.default_directory()
        try:
            manifest = backups.create(
                directory, connections[database].settings_dict, backups.file_roots()
            )
        except (backups.BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backed up %(tables)d tables and %(files)d files into %(directory)s")
            % {
                "tables": len(manifest["row_counts"]),
                "files": len(manifest["files"]),
                "directory": directory,
            }
        )
