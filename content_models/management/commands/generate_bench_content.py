"""Generate (or remove) many realistic, published pages for benchmarks and scale tests.

    manage.py generate_bench_content --pages 10000
    manage.py generate_bench_content --remove

Pages go under topic pages whose slug starts with `ytelsestest-` below the
site's home page, a hundred theme pages per topic, each with ten sections
(internal page links in the text), related links and a contact block, like
the real Troms theme pages. Rows are written with bulk inserts, so 10,000
pages take seconds rather than the minutes `add_child` + publish would need;
`--remove` deletes exactly what was generated.
"""

import json
import random
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from content_models.models import ContactPerson, ThemePage, TopicPage

SLUG_PREFIX = "ytelsestest-"
PER_TOPIC = 100
BATCH = 1000

WORDS = [
    "fylkeskommunen",
    "tilskudd",
    "næringsliv",
    "kompetanse",
    "samferdsel",
    "bredbånd",
    "kollektivtrafikk",
    "folkehelse",
    "kultur",
    "friluftsliv",
    "fiskeri",
    "havbruk",
    "reiseliv",
    "utdanning",
    "videregående",
    "opplæring",
    "lærling",
    "bosetting",
    "distrikt",
    "kommune",
    "region",
    "samarbeid",
    "søknad",
    "frist",
    "tildeling",
    "prosjekt",
    "utvikling",
    "bærekraft",
    "klima",
    "energi",
    "infrastruktur",
    "veg",
    "ferje",
    "hurtigbåt",
    "arktis",
    "nordområdene",
    "samisk",
    "kvensk",
    "innovasjon",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))


def _step(index: int) -> str:
    """One treebeard path step (base 36, four characters) for the 1-based child index."""
    alphabet, steplen = Page.alphabet, Page.steplen
    digits = ""
    while index:
        index, rest = divmod(index, len(alphabet))
        digits = alphabet[rest] + digits
    if len(digits) > steplen:
        raise CommandError("Too many children under one parent for the page tree's path format.")
    return digits.rjust(steplen, alphabet[0])


def _block(block_type: str, value: dict) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def theme_body(rng: random.Random, *, sections: int, link_ids: list[int], contact_ids: list[int]) -> list[dict]:
    body = []
    for number in range(sections):
        heading = f"{_sentence(rng, rng.randint(2, 4))[:-1]} {number + 1}"
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(1, 3))]
        if link_ids:
            target = rng.choice(link_ids)
            paragraphs[0] += f' Les mer om <a linktype="page" id="{target}">{rng.choice(WORDS)}</a>.'
        body.append(_block("section", {"heading": heading, "body": "".join(f"<p>{p}</p>" for p in paragraphs)}))
    links = [
        {"type": "item", "id": str(uuid.uuid4()), "value": {"title": "", "page": pk, "document": None, "url": ""}}
        for pk in rng.sample(link_ids, min(3, len(link_ids)))
    ]
    links.append(
        {
            "type": "item",
            "id": str(uuid.uuid4()),
            "value": {"title": "Regjeringen.no", "page": None, "document": None, "url": "https://www.regjeringen.no/"},
        }
    )
    body.append(_block("related_links", {"heading": "Relevante lenker", "links": links}))
    if contact_ids:
        people = rng.sample(contact_ids, min(2, len(contact_ids)))
        body.append(
            _block(
                "contacts",
                {
                    "heading": "Ta kontakt med oss",
                    "intro": "For korte spørsmål ta kontakt med:",
                    "contacts": [{"type": "item", "value": pk, "id": str(uuid.uuid4())} for pk in people],
                },
            )
        )
    return body


def _insert_rows(model, rows: list[dict]):
    """Insert the model's own table rows (the `Page` part is already written)."""
    fields = model._meta.local_concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    # Columns the rows do not name (an optional image, say) take the field default.
    values = [[f.get_db_prep_save(row.get(f.attname, f.get_default()), connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _bulk_pages(parent: Page, model, specs: list[dict], first_index: int, now) -> list[int]:
    """Create published pages of `model` under `parent`; returns their ids in order."""
    content_type = ContentType.objects.get_for_model(model)
    pages = [
        Page(
            title=spec["title"],
            draft_title=spec["title"],
            slug=spec["slug"],
            content_type=content_type,
            path=parent.path + _step(first_index + offset),
            depth=parent.depth + 1,
            numchild=spec.get("numchild", 0),
            url_path=f"{parent.url_path}{spec['slug']}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            latest_revision_created_at=now,
            locale_id=parent.locale_id,
            translation_key=uuid.uuid4(),
        )
        for offset, spec in enumerate(specs)
    ]
    Page.objects.bulk_create(pages, batch_size=BATCH)
    ids = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path").values_list("pk", flat=True))
    _insert_rows(model, [{**spec["fields"], "page_ptr_id": pk} for spec, pk in zip(specs, ids, strict=True)])
    return ids


def bench_topics():
    return Page.objects.filter(slug__startswith=SLUG_PREFIX, content_type=ContentType.objects.get_for_model(TopicPage))


@transaction.atomic
def generate(pages: int, *, sections: int = 10, seed: int = 6, site: Site | None = None) -> list[int]:
    """Create `pages` theme pages (and the topics to hold them); returns the theme page ids."""
    rng = random.Random(seed)
    site = site or Site.objects.get(is_default_site=True)
    home = site.root_page
    now = timezone.now()
    run = uuid.uuid4().hex[:6]
    contact_ids = list(ContactPerson.objects.filter(live=True).values_list("pk", flat=True)[:20])
    existing = list(
        Page.objects.filter(depth__in=[home.depth + 1, home.depth + 2], path__startswith=home.path)
        .exclude(pk=home.pk)
        .values_list("pk", flat=True)[:50]
    )
    topic_count = (pages + PER_TOPIC - 1) // PER_TOPIC
    last_child = home.get_last_child()
    first_index = int(last_child.path[-Page.steplen :], 36) + 1 if last_child else 1
    topic_specs = [
        {
            "title": f"Ytelsestest {run} {number + 1}",
            "slug": f"{SLUG_PREFIX}{run}-{number + 1}",
            "numchild": min(PER_TOPIC, pages - number * PER_TOPIC),
            "fields": {"intro": _paragraph(rng), "body": json.dumps([])},
        }
        for number in range(topic_count)
    ]
    topic_ids = _bulk_pages(home, TopicPage, topic_specs, first_index, now)
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + topic_count)

    theme_ids: list[int] = []
    topics = Page.objects.filter(pk__in=topic_ids).order_by("path")
    for topic, spec in zip(topics, topic_specs, strict=True):
        link_pool = existing + theme_ids[-50:]
        theme_specs = [
            {
                "title": f"{_sentence(rng, 3)[:-1]} {topic.pk}-{number + 1}",
                "slug": f"tema-{number + 1}",
                "fields": {
                    "intro": _paragraph(rng),
                    "body": json.dumps(theme_body(rng, sections=sections, link_ids=link_pool, contact_ids=contact_ids)),
                },
            }
            for number in range(spec["numchild"])
        ]
        theme_ids += _bulk_pages(topic, ThemePage, theme_specs, 1, now)
    return theme_ids


def index_pages(ids: list[int]):
    """Add the pages to the search index in batches (the backend's bulk path)."""
    backend = get_search_backend()
    for model in (TopicPage, ThemePage):
        queryset = model.objects.filter(pk__in=ids)
        for start in range(0, len(ids), BATCH):
            batch = list(queryset.order_by("pk")[start : start + BATCH])
            if batch:
                backend.add_bulk(model, batch)


@transaction.atomic
def remove() -> int:
    """Delete every generated topic with its pages; returns how many pages went."""
    removed = 0
    for topic in bench_topics():
        subtree = Page.objects.filter(path__startswith=topic.path)
        removed += subtree.count()
        # The ORM delete (not a raw one) so search-index and reference-index entries go too.
        subtree.delete()
    return removed


class Command(BaseCommand):
    help = "Generate N published theme pages for benchmarks (bulk, fast), or remove them with --remove."

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=1000, help="How many theme pages to create.")
        parser.add_argument("--sections", type=int, default=10, help="Sections per page.")
        parser.add_argument("--no-index", action="store_true", help="Skip adding the pages to the search index.")
        parser.add_argument("--remove", action="store_true", help="Delete every generated page instead.")

    def handle(self, *args, pages, sections, no_index, remove: bool, **options):
        started = time.monotonic()
        if remove:
            count = remove_pages()
            self.stdout.write(f"Removed {count} generated pages in {time.monotonic() - started:.1f} s.")
            return
        if pages < 1:
            raise CommandError("--pages must be at least 1.")
        ids = generate(pages, sections=sections)
        created = time.monotonic()
        self.stdout.write(f"Created {len(ids)} theme pages in {created - started:.1f} s.")
        # Before anything reads them: indexing and the store rebuild plan their queries on these statistics.
        refresh_statistics()
        if not no_index:
            index_pages(ids)
            self.stdout.write(f"Indexed them for search in {time.monotonic() - created:.1f} s.")
        # Bulk inserts send no signals: the stored public form is made here (which also drops every cache).
        call_command("rebuild_public_store", stdout=self.stdout)
        refresh_statistics()  # the stored form's and the index's new rows


def refresh_statistics():
    """Bring the database to where autovacuum would have it, now (and where autovacuum is off).

    With statistics from before a bulk insert the planner takes a site's
    10,000 pages for a handful and picks plans that scan them all; and until
    a vacuum has marked the new rows visible to all, the first read of each
    one writes its visibility hints, so the first benchmark rounds would
    measure that rather than reads.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


remove_pages = remove
