from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from portal import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: check its checksums, replace the database "
        "and the papers, books and media files, and check the result against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the backup's directory")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database="default", **options):
        # pg_restore drops and recreates the tables: no connection of ours may hold them.
        connections.close_all()
        try:
            manifest = backups.restore(
                directory, connections[database].settings_dict, backups.file_roots()
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(database)s of %(created)s: %(tables)d tables and %(files)d files checked")
            % {
                "database": manifest["database"],
                "created": manifest["created_at"],
                "tables": len(manifest["row_counts"]),
                "files": len(manifest["files"]),
            }
        )
