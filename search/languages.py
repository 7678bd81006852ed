"""Searching in a language, with its fallbacks.

The index keeps each page under its own language. A search in nynorsk
searches the nynorsk pages; then, for pages that have no public nynorsk
translation, the hits of the fallback languages follow, marked as such, so a
resident searching in nynorsk still finds what only exists in bokmål.
"""

from dataclasses import replace

from publishing.languages import fallbacks
from publishing.reader import PublicContent

from .engine import Results, SiteSearch


def search_in(content: PublicContent, language: str, query: str, *, limit: int, offset: int, **options) -> Results:
    """Hits in `language` first, then its fallbacks' hits of pages it has no translation of."""
    chain = fallbacks(language)
    first = SiteSearch(content.site, locale=language).search(query, limit=limit, offset=offset, **options)
    if len(chain) == 1:
        return first
    options = _quiet(options)
    wanted = offset + limit
    own = SiteSearch(content.site, locale=language).search(query, limit=min(wanted, 100), **options)
    hits, total = list(own.hits), own.total_count
    for number, fallback in enumerate(chain[1:], start=1):
        found = SiteSearch(content.site, locale=fallback).search(query, limit=min(wanted, 100), **options)
        translated = content.translated([hit.page_id for hit in found.hits], chain[:number])
        extra = [replace(hit, is_fallback=True) for hit in found.hits if hit.page_id not in translated]
        hits += extra
        total += len(extra)
    return replace(first, hits=hits[offset:wanted], total_count=total)


def _quiet(options: dict) -> dict:
    # The search statistics count what the user asked for once, not each language searched for it.
    return {**options, "record": False}
