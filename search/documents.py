"""What the search indexes of a page: its public content only, in parts a hit can point into.

This is the one place the index reads content. Today it reads the page through
the visibility rule (`api.visibility`); when the stored public form of pages
exists (publishing app), only this module changes.

A page is indexed when the rule shows it at some moment of its window: now, or
when its (or an ancestor's) go-live time comes. The window (the latest go-live
and earliest expiry of the page and its ancestors) is stored with it and
applied at query time, so a scheduled go-live or expiry takes effect on the
second, whether or not the scheduler has run. Contact people carry their own
window the same way.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from api.visibility import public_pages, public_path, snippet_is_public
from content_models.blocks import section_anchors

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
    site: Site
    page: Page
    locale: str
    url_path: str
    title: str
    go_live_at: datetime | None
    expire_at: datetime | None
    parts: list[Part] = field(default_factory=list)


def _sites() -> list[Site]:
    return list(Site.objects.select_related("root_page"))


def _windows(pages) -> dict[int, tuple[datetime | None, datetime | None]]:
    """Page id -> latest go-live and earliest expiry of the page and its ancestors (one query for all)."""
    prefixes = {page.path[:i] for page in pages for i in range(Page.steplen, len(page.path) + 1, Page.steplen)}
    rows = {
        path: (go, end)
        for path, go, end in Page.objects.filter(path__in=prefixes).values_list("path", "go_live_at", "expire_at")
    }
    windows = {}
    for page in pages:
        chain = [rows.get(page.path[:i], (None, None)) for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
        starts = [go for go, _end in chain if go]
        ends = [end for _go, end in chain if end]
        windows[page.pk] = (max(starts) if starts else None, min(ends) if ends else None)
    return windows


def documents_for(page, *, now=None) -> list[Document]:
    """The page's public content for each site that shows it (usually one); [] when it is not public."""
    return documents_for_pages([page], now=now)


def documents_for_pages(pages, *, now=None) -> list[Document]:
    """`documents_for` for many (specific) pages at once, with a handful of queries for all of them."""
    now = now or timezone.now()
    pages = [page.specific for page in pages]
    if not pages:
        return []
    windows = _windows(pages)
    people = _people_of(pages)
    languages = dict(Locale.objects.values_list("pk", "language_code"))
    documents = []
    for site in _sites():
        in_site = [p for p in pages if p.path.startswith(site.root_page.path)]
        if not in_site:
            continue
        # The rule itself, applied now for the batch, and at go-live time for pages that go live later.
        public = set(public_pages(site, now=now).filter(pk__in=[p.pk for p in in_site]).values_list("pk", flat=True))
        for page in in_site:
            go_live_at, expire_at = windows[page.pk]
            moment = max(now, go_live_at) if go_live_at else now
            if expire_at and expire_at <= moment:
                continue
            if moment != now and page.pk not in public:
                public |= set(public_pages(site, now=moment).filter(pk=page.pk).values_list("pk", flat=True))
            if page.pk not in public:
                continue
            documents.append(
                Document(
                    site=site,
                    page=page,
                    locale=languages.get(page.locale_id, "nb"),
                    url_path=public_path(page, site),
                    title=page.title,
                    go_live_at=go_live_at,
                    expire_at=expire_at,
                    parts=_parts(page, now, people),
                )
            )
    return documents


def _people_of(pages) -> dict:
    """Contact people shown on any of the pages, by id."""
    from content_models.models import ContactPerson

    ids = set()
    for page in pages:
        body = getattr(page, "body", None)
        for child in body.raw_data if body is not None else []:
            if child.get("type") == "contacts":
                for item in (child.get("value") or {}).get("contacts") or []:
                    pk = item.get("value") if isinstance(item, dict) else item
                    if isinstance(pk, int):
                        ids.add(pk)
    return ContactPerson.objects.in_bulk(ids) if ids else {}


def _parts(page, now, people) -> list[Part]:
    intro = getattr(page, "intro", "") or ""
    description = page.search_description or ""
    summary = "\n".join(text for text in (intro, description) if text)
    parts = [
        Part(
            kind="head",
            anchor="",
            heading=page.title,
            text=summary,
            fields=[(page.title, TITLE, None), (intro, INTRO, 0), (description, INTRO, len(intro.split()))],
        )
    ]
    body = getattr(page, "body", None)
    if body is None:
        return parts
    anchors = section_anchors(body)
    for child in body.raw_data:
        value = child.get("value") or {}
        anchor = anchors.get(child.get("id"), "")
        if child.get("type") == "section":
            text = rich_text_to_plain(value.get("body", ""))
            heading = value.get("heading", "")
            parts.append(Part("section", anchor, heading, text, [(heading, HEADING, None), (text, BODY, 0)]))
        elif child.get("type") == "contacts":
            heading, intro = value.get("heading", ""), value.get("intro", "")
            parts.append(
                Part(
                    "contacts",
                    anchor,
                    heading,
                    intro,
                    [(heading, CONTACT_HEADING, None), (intro, CONTACT_INTRO, 0)],
                )
            )
            parts += _people(value.get("contacts") or [], people, anchor, heading, now)
    return parts


def _people(items, people: dict, anchor: str, heading: str, now) -> list[Part]:
    ids = [item.get("value") if isinstance(item, dict) else item for item in items]
    parts = []
    for pk in ids:
        person = people.get(pk)
        if person is None:
            continue
        moment = max(now, person.go_live_at) if person.go_live_at else now
        if not snippet_is_public(person, now=moment):
            continue
        role = ", ".join(x for x in (person.responsibility, person.job_title) if x)
        text = f"{person.name} ({role})" if role else person.name
        parts.append(
            Part(
                "person",
                anchor,
                heading,
                text,
                [(person.name, PERSON_NAME, 0), (role, PERSON_ROLE, len(person.name.split()))],
                person_id=person.pk,
                go_live_at=person.go_live_at,
                expire_at=person.expire_at,
            )
        )
    return parts
