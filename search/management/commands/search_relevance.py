from django.core.management.base import BaseCommand
from wagtail.models import Site

from search.relevance import compare


class Command(BaseCommand):
    help = (
        "Print nDCG@10, MRR, zero-result count, off-topic hits and section accuracy of the site search on the "
        "judged queries (the tuning set and the held-out set), on the current database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="Also list the weakest queries and each kind.")

    def handle(self, *args, details: bool, **options):
        site = Site.objects.filter(is_default_site=True).first()
        rows = compare(site)
        header = (
            f"{'set':<36} {'queries':>7} {'nDCG@10':>8} {'MRR':>6} {'zero':>5} {'off-topic hits':>14} {'section':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            self.stdout.write(
                f"{row.label:<36} {len(row.outcomes):>7} {row.ndcg:>8.3f} {row.mrr:>6.3f} {row.zero_results:>5} "
                f"{len(row.off_topic_with_hits):>14} {row.section_accuracy:>8.3f}"
            )
        if details:
            for row in rows:
                self.stdout.write(
                    f"\n{row.label}, nDCG@10 by kind: "
                    + ", ".join(f"{kind} {value:.2f}" for kind, value in row.by_kind().items())
                )
                self.stdout.write("weakest:")
                for outcome in row.weakest(8):
                    self.stdout.write(
                        f"  {outcome.judged.query!r:<40} nDCG {outcome.ndcg:.2f}  RR {outcome.reciprocal_rank:.2f}  "
                        f"hits {outcome.total}  top {outcome.paths[:2]} #{outcome.top_section} "
                        f"(want #{outcome.judged.section})"
                    )
