"""``manage.py backup --output FILE.tar.gz``: the database and every stored file, in one file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dashboard.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (dumpdata) and every stored file (MEDIA_ROOT: evidence) into one "
        ".tar.gz with a manifest of SHA-256 checksums. Restore it with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The .tar.gz file to write.")

    def handle(self, *args, output, **options):
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder")
        try:
            summary = backup_create(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {summary.rows} rows and {summary.files} files ({summary.bytes} bytes) "
            f"to {target}."
        ))  # fmt: skip
