from django.core.management.base import BaseCommand

from content_models.demo_content.loader import DemoContentLoader


class Command(BaseCommand):
    help = "Laster inn Troms fylkeskommunes «Attraktive samfunn»-innhold (trygt å kjøre flere ganger)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overskriv demo-innholdet med dataene i prosjektet, også om redaktører har endret det.",
        )

    def handle(self, *args, reset=False, **options):
        report = DemoContentLoader(reset=reset).run()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo-innholdet er på plass."))
