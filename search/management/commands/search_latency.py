import json

from django.core.management.base import BaseCommand

from search.latency import measure


class Command(BaseCommand):
    help = (
        "Time the site search with nothing cached on the current database (e.g. after generate_bench_content "
        "and search_index), for the worst cases a visitor can type."
    )

    def add_arguments(self, parser):
        parser.add_argument("-n", type=int, default=20, help="Searches per case.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, n: int, json: bool, **options):
        cases = measure(n=n)
        if json:
            self.stdout.write(_json({case.name: case.as_dict() for case in cases}))
        else:
            for case in cases:
                self.stdout.write(str(case))


def _json(data) -> str:
    return json.dumps(data)
