"""Typed pages in one query.

Wagtail's `.specific()` costs one query plus one per page type in the result;
left-joining each page type's own table keeps it to exactly one.
"""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, get_page_models


@cache
def _specific_paths() -> dict[type, tuple[str, ...]]:
    """Model -> chain of reverse parent links from `Page` down to it, e.g. ("themepage",)."""
    paths = {}
    for model in get_page_models():
        chain, current = [], model
        while current is not Page:
            parent, link = next(iter(current._meta.parents.items()))
            chain.append(link.related_query_name())
            current = parent
        if chain:
            paths[model] = tuple(reversed(chain))
    return paths


def with_specific(queryset):
    """The queryset with every page type's own columns joined in (see `specific_page`).

    Wagtail's `.specific()` costs one query plus one per page type in the
    result; left-joining each type's table keeps it to exactly one.
    """
    return queryset.select_related(*("__".join(path) for path in _specific_paths().values()))


def specific_page(page: Page) -> Page:
    """The typed page from a row of `with_specific`, without another query."""
    model = ContentType.objects.get_for_id(page.content_type_id).model_class()
    path = _specific_paths().get(model)
    if path is None:
        return page
    specific = page
    for name in path:
        specific = getattr(specific, name)
    return specific


def specific_pages(queryset) -> list[Page]:
    return [specific_page(page) for page in with_specific(queryset)]
