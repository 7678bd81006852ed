from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from search.textconfig import install


class Command(BaseCommand):
    help = (
        "(Re)create the PostgreSQL text search configuration `norwegian_cms`, e.g. after installing the "
        "dictionary files with search/pg/build_dictionaries.sh. Run `manage.py update_index` afterwards."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL has text search configurations; SQLite needs nothing.")
        result = install(connection)
        if result.full:
            self.stdout.write(self.style.SUCCESS(result.message))
        else:
            self.stderr.write(self.style.WARNING(result.message))
        self.stdout.write("Now rebuild the stored vectors: manage.py update_index")
