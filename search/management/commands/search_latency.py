import json

from django.core.management.base import BaseCommand

from search.latency import DEFAULT_QUERIES, measure


class Command(BaseCommand):
    help = "Measure site search latency (p50/p95) on the current database, e.g. after generate_bench_content."

    def add_arguments(self, parser):
        parser.add_argument("-n", type=int, default=200, help="Number of timed searches.")
        parser.add_argument("--query", action="append", help="Query to use (repeatable); default: a mixed set.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, n: int, query, json: bool, **options):
        report = measure(query or DEFAULT_QUERIES, n=n)
        self.stdout.write(_json(report.as_dict()) if json else str(report))


def _json(data) -> str:
    return json.dumps(data)
