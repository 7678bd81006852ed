from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from publishing import store


class Command(BaseCommand):
    help = "Compare the stored public form with the visibility rule, page by page; exit 1 on any difference."

    def handle(self, *args, **options):
        problems = []
        for site in Site.objects.select_related("root_page"):
            problems += [f"{site.hostname}: {problem}" for problem in store.check(site)]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} difference(s); `manage.py rebuild_public_store` makes it again.")
        self.stdout.write("The stored public form agrees with the visibility rule.")
