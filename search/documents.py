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
from wagtail.models import Page, Site

from api.visibility import public_pages, public_path, snippet_is_public
from content_models.blocks import section_anchors

from .sections import rich_text_to_plain

# How much a word in each field says about what the page is about (0..1).
TITLE = 1.0
HEADING = 0.8
INTRO = 0.7
BODY = 0.5
PERSON_NAME = 0.7
PERSON_ROLE = 0.6
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


def sites_of(page) -> list[Site]:
    return [site for site in Site.objects.select_related("root_page") if page.path.startswith(site.root_page.path)]


def window_of(page) -> tuple[datetime | None, datetime | None]:
    """Latest go-live and earliest expiry of the page and its ancestors."""
    rows = Page.objects.filter(path__in=[page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)])
    starts = [r.go_live_at for r in rows if r.go_live_at]
    ends = [r.expire_at for r in rows if r.expire_at]
    return (max(starts) if starts else None, min(ends) if ends else None)


def documents_for(page, *, now=None) -> list[Document]:
    """The page's public content for each site that shows it (usually one); [] when it is not public."""
    now = now or timezone.now()
    page = page.specific
    go_live_at, expire_at = window_of(page)
    moment = max(now, go_live_at) if go_live_at else now
    if expire_at and expire_at <= moment:
        return []
    documents = []
    for site in sites_of(page):
        if not public_pages(site, now=moment).filter(pk=page.pk).exists():
            continue
        documents.append(
            Document(
                site=site,
                page=page,
                locale=page.locale.language_code if page.locale_id else "nb",
                url_path=public_path(page, site),
                title=page.title,
                go_live_at=go_live_at,
                expire_at=expire_at,
                parts=_parts(page, now),
            )
        )
    return documents


def _parts(page, now) -> list[Part]:
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
            parts += _people(page, value.get("contacts") or [], anchor, heading, now)
    return parts


def _people(page, items, anchor: str, heading: str, now) -> list[Part]:
    from content_models.models import ContactPerson

    ids = [item.get("value") if isinstance(item, dict) else item for item in items]
    people = {p.pk: p for p in ContactPerson.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
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
