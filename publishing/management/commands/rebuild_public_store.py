import time

from django.core.management.base import BaseCommand

from publishing import store


class Command(BaseCommand):
    help = "Make the stored public form of every page again (after bulk imports, or to repair it)."

    def handle(self, *args, **options):
        started = time.monotonic()
        kept = store.rebuild()
        self.stdout.write(f"Stored {kept} public pages in {time.monotonic() - started:.1f} s.")
