import time

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from search import store
from search.analysis import dictionary


def _is_unicode(text: str) -> bool:
    # Bytes that are not UTF-8 in an argument reach Python as lone surrogates, which no database can compare.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Rebuild the site search index from the public pages of every site (or one, by host name). "
        "Needed after restoring a database, installing the Hunspell dictionary, or bulk imports that send "
        "no signals (generate_bench_content)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Host name of the one site to rebuild.")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only index public pages the index does not have yet (quick; `make demo` runs it).",
        )

    def handle(self, *args, site=None, missing=False, **options):
        if not dictionary.is_installed():
            self.stderr.write(
                self.style.WARNING(
                    f"No Hunspell dictionary at {dictionary.dictionary_path()}: compounds are split with the "
                    "site's own words only. Install it with `apt-get install hunspell-no`."
                )
            )
        sites = Site.objects.all()
        if site is not None:
            sites = sites.filter(hostname__in=[site] if _is_unicode(site) else [])
            if not sites:
                # Never «all sites» for a mistyped one: an empty list means every site to `store.rebuild`.
                known = ", ".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
                raise CommandError(f"--site: no site has the host name {site!r}. Known: {known}.")
        started = time.monotonic()
        if missing:
            count = store.refresh(store.missing_pages(sites))
            self.stdout.write(f"Indexed {count} public pages the search index did not have.")
            return

        def progress(done, total):
            if done % 2000 == 0 or done == total:
                self.stdout.write(f"  {done}/{total} pages read")

        count = store.rebuild(list(sites.select_related("root_page")), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} public pages in {time.monotonic() - started:.1f} s."))
