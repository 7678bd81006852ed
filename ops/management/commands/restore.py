"""`manage.py restore ARCHIVE`: a backup back into an empty database and media folder (ops/backup.py, `make restore`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.archive import BackupError
from ops.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the empty database of DATABASE_URL and the empty MEDIA_ROOT, after "
        "checking every checksum. Refuses a database or folder that holds anything, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in the database and the media folder with the backup",
        )

    def handle(self, *args, archive, force, **options):
        try:
            result = restore_backup(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {archive}: the database and {result.media_files} media files")
        if result.schema_behind:
            self.stdout.write(
                f"the backup's schema is older than this code ({', '.join(result.schema_behind)}): "
                "run `manage.py migrate` before serving"
            )
