"""What the search indexes of a page: its public form (`publishing.records`), in parts a hit can point into.

The index reads content only here, and only from the public form every
channel shows: the stored form the store keeps (`publishing.store`), or
inside a transaction the same records made on the spot. So the search can
never index more than the public may see: a hidden contact person, a link
to a hidden page, a draft are not in the record to begin with.

The page's window (the latest go-live and earliest expiry of it and its
ancestors) is stored with it and applied at query time, so a scheduled go-live
or expiry takes effect on the second, whether or not the scheduler has run.
A body showing something with its own window (a contact person) is made
again when that window changes, and indexed again with it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, Site

from publishing.models import PublicPage
from publishing.records import PageRecord, build_records
from publishing.specific import specific_pages
from publishing.store import record_of

from .sections import rich_text_to_plain

# How much a word in each field says about what the page is about (0..1).
TITLE = 1.0
HEADING = 0.8
INTRO = 0.7
BODY = 0.5
PERSON_NAME = 0.7
PERSON_ROLE = 0.5
CONTACT_HEADING = 0.4
CONTACT_INTRO = 0.3


@dataclass
class Part:
    kind: str  # head | section | contacts | person
    anchor: str
    heading: str
    text: str  # shown in excerpts
    # (text, weight, where it starts in `text` in whitespace-separated words, or None when not shown there)
    fields: list[tuple[str, float, int | None]]
    person_id: int | None = None
    go_live_at: datetime | None = None
    expire_at: datetime | None = None


@dataclass
class Document:
    site_id: int
    page_id: int
    content_type_id: int
    tree_path: str
    locale: str
    url_path: str
    title: str
    go_live_at: datetime | None
    expire_at: datetime | None
    parts: list[Part] = field(default_factory=list)


def document_of(record: PageRecord) -> Document:
    return Document(
        site_id=record.site_id,
        page_id=record.page_id,
        content_type_id=record.content_type_id,
        tree_path=record.path,
        locale=record.locale,
        url_path=record.url_path,
        title=record.title,
        go_live_at=record.visible_from,
        expire_at=record.visible_until,
        parts=_parts(record),
    )


def stored_documents(site: Site, page_ids=None) -> list[Document]:
    """Documents of the site's stored public pages (all of them, or these), from the stored form.

    A row marked stale (it shows something that changed: a person unpublished since) or past its `valid_until`
    is made again first, as readers do: a rebuild while the worker is behind must not bring back what the
    pages no longer show.
    """
    rows = PublicPage.objects.filter(site=site)
    if page_ids is not None:
        rows = rows.filter(Q(page_id__in=list(page_ids)))
    now = timezone.now()
    records, outdated = [], {}
    for row in rows.order_by("path"):
        record = record_of(row)
        if row.stale or (record.valid_until is not None and record.valid_until <= now):
            outdated[record.page_id] = record
        records.append(record)
    if outdated:
        pages = specific_pages(Page.objects.filter(pk__in=list(outdated)))
        windows = {pk: record.window for pk, record in outdated.items()}
        fresh = {record.page_id: record for record in build_records(site, pages, windows, now=now)}
        records = [fresh.get(record.page_id, record) for record in records]
    return [document_of(record) for record in records]


def _parts(record: PageRecord) -> list[Part]:
    intro, description = record.intro, record.search_description
    summary = "\n".join(text for text in (intro, description) if text)
    parts = [
        Part(
            kind="head",
            anchor="",
            heading=record.title,
            text=summary,
            fields=[(record.title, TITLE, None), (intro, INTRO, 0), (description, INTRO, len(intro.split()))],
        )
    ]
    for block in record.body:
        anchor, heading = block.get("anchor", ""), block.get("heading", "")
        if block["block_type"] == "section":
            text = rich_text_to_plain(block.get("html", ""))
            parts.append(Part("section", anchor, heading, text, [(heading, HEADING, None), (text, BODY, 0)]))
        elif block["block_type"] == "contacts":
            intro = block.get("intro", "")
            fields = [(heading, CONTACT_HEADING, None), (intro, CONTACT_INTRO, 0)]
            parts.append(Part("contacts", anchor, heading, intro, fields))
            parts += [_person(person, anchor, heading) for person in block.get("contacts", [])]
    return parts


def _person(person: dict, anchor: str, heading: str) -> Part:
    role = ", ".join(x for x in (person.get("responsibility"), person.get("job_title")) if x)
    name = person["name"]
    text = f"{name} ({role})" if role else name
    fields = [(name, PERSON_NAME, 0), (role, PERSON_ROLE, len(name.split()))]
    return Part(
        "person",
        anchor,
        heading,
        text,
        fields,
        person_id=person["id"],
        go_live_at=_moment(person.get("go_live_at")),
        expire_at=_moment(person.get("expire_at")),
    )


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
