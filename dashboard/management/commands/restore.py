"""``manage.py restore FILE.tar.gz [--force]``: put back what ``manage.py backup`` saved."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dashboard.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup: every checksum is verified first; the rows "
        "go into the database and the files into the file store (MEDIA_ROOT). Refuses a "
        "database that holds data unless --force, which empties it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .tar.gz file written by manage.py backup.")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace everything in a database (and file store) that already holds data.",
        )  # fmt: skip

    def handle(self, *args, backup, force, **options):
        try:
            summary = backup_restore(Path(backup), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Restored {summary.rows} rows and {summary.files} files ({summary.bytes} bytes) "
            f"from {backup}; every checksum matched."
        ))  # fmt: skip
