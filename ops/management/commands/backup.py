"""`manage.py backup`: one archive of the database and the media files (ops/backup.py, `make backup`)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.archive import BackupError
from ops.backup import make_backup


class Command(BaseCommand):
    help = "Write one backup archive: a PostgreSQL dump, every media file and a manifest with their checksums."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=os.environ.get("BACKUP_DIR", "backups"),
            help="Folder the archive is written to (default: $BACKUP_DIR, else ./backups)",
        )

    def handle(self, *args, dir, **options):
        try:
            result = make_backup(Path(dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"backup written: {result.path} ({result.bytes / 1024 / 1024:.1f} MB, database and "
            f"{result.media_files} media files)"
        )
