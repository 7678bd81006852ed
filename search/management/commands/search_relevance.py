from django.core.management.base import BaseCommand
from wagtail.models import Site

from search.relevance import compare


class Command(BaseCommand):
    help = (
        "Print nDCG@10, MRR, zero-result rate and section accuracy of the site search on the judged queries, "
        "for the current configuration next to stock `norwegian` and `simple` (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="Also list the weakest queries per configuration.")

    def handle(self, *args, details: bool, **options):
        site = Site.objects.filter(is_default_site=True).first()
        rows = compare(site)
        self.stdout.write(f"{len(rows[0].outcomes)} judged queries\n")
        header = f"{'configuration':<32} {'nDCG@10':>8} {'MRR':>6} {'zero':>6} {'section':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            self.stdout.write(
                f"{row.label:<32} {row.ndcg:>8.3f} {row.mrr:>6.3f} {row.zero_result_rate:>6.3f} "
                f"{row.section_accuracy:>8.3f}"
            )
        if details:
            for row in rows:
                self.stdout.write(f"\nweakest for {row.label}:")
                for outcome in row.weakest():
                    self.stdout.write(
                        f"  {outcome.judged.query!r:<30} nDCG {outcome.ndcg:.2f}  RR {outcome.reciprocal_rank:.2f}  "
                        f"hits {outcome.total}  top {outcome.paths[:2]} #{outcome.top_section}"
                    )
