"""Rich text as public HTML.

Internal links are stored as `<a linktype="page" id="3">`. Here they become
public URLs, and links to anything the public cannot see lose their `<a>` but
keep their text, so a draft page's existence never shows through a link.
"""

import re

import nh3
from django.utils.html import escape

# What section text may contain once rendered. The editor already limits
# features, but content can also arrive by import or code; this keeps the
# promise that the HTML is safe to insert, whatever is stored.
ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "ol", "ul", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Draftail never nests anchors, so a lazy match up to the next </a> is exact.
INTERNAL_LINK = re.compile(r"<a\b([^>]*\blinktype=\"[^\"]*\"[^>]*)>(.*?)</a>", re.S)
EMBED_TAG = re.compile(r"<embed\b[^>]*/?>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# An id names a row only as ASCII digits that fit a 64-bit integer: `str.isdigit` also takes «²», which
# `int` refuses, and a longer number overflows the database. The id comes from the editor's request.
LINK_ID = re.compile(r"[0-9]{1,18}")


def _link_attrs(attr_string: str) -> dict[str, str]:
    return dict(ATTRIBUTE.findall(attr_string))


def _link_id(attrs: dict[str, str]) -> int | None:
    ident = attrs.get("id", "")
    return int(ident) if LINK_ID.fullmatch(ident) else None


def internal_link_ids(source: str) -> tuple[set[int], set[int]]:
    """(page ids, document ids) linked from a rich-text source."""
    pages, documents = set(), set()
    for match in INTERNAL_LINK.finditer(source or ""):
        attrs = _link_attrs(match.group(1))
        ident = _link_id(attrs)
        if ident is None:
            continue
        if attrs.get("linktype") == "page":
            pages.add(ident)
        elif attrs.get("linktype") == "document":
            documents.add(ident)
    return pages, documents


def render_public_html(source: str, resolve_url) -> str:
    """Expand internal links with `resolve_url(linktype, id) -> str | None`.

    A `None` URL means the target is not public: the text stays, the link goes.
    """

    def replace(match: re.Match) -> str:
        attrs = _link_attrs(match.group(1))
        ident = _link_id(attrs)
        url = resolve_url(attrs.get("linktype"), ident) if ident is not None else None
        text = match.group(2)
        return f'<a href="{escape(url)}">{text}</a>' if url else text

    html = EMBED_TAG.sub("", INTERNAL_LINK.sub(replace, source or ""))
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES, link_rel=None
    )
