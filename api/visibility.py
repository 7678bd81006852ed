"""The one rule for what anonymous API users may see.

Every root field, nested field, rich-text link and search result goes through
these querysets, so "published on the website" means the same thing everywhere:

- a page is public when it is live, inside its go-live/expiry window, in the
  current site, and neither it nor any ancestor is unpublished, expired or
  behind a view restriction (password, login or groups);
- a snippet is public when its published version is live and in its window;
- a document is public when neither its collection nor any ancestor collection
  carries a view restriction.

Wagtail's own `.live().public()` misses unpublished ancestors and expiry dates
that the scheduler has not processed yet; this module covers both.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, Site


def _not_in_window(now) -> Q:
    return Q(live=False) | Q(expired=True) | Q(expire_at__lte=now) | Q(go_live_at__gt=now)


def _ancestor_or_self_of(outer_path_ref: str = "path") -> Q:
    # In treebeard's materialised path, an ancestor's path is a prefix of ours.
    return Q(path=Substr(OuterRef(outer_path_ref), 1, Length("path")))


def public_pages(site: Site | None, *, now=None) -> QuerySet:
    """Pages the published website shows in `site` (none at all without a site)."""
    if site is None:
        return Page.objects.none()
    now = now or timezone.now()
    hidden_ancestor = Page.objects.filter(
        _ancestor_or_self_of(),
        _not_in_window(now) | Q(view_restrictions__isnull=False),
        depth__gt=1,
    )
    # An alias shows its original's content, so it is hidden wherever the original is restricted.
    restricted_original = Page.objects.filter(
        path=Substr(OuterRef("alias_of__path"), 1, Length("path")),
        view_restrictions__isnull=False,
    )
    root = site.root_page
    return (
        Page.objects.filter(path__startswith=root.path, depth__gte=root.depth)
        .exclude(Exists(hidden_ancestor))
        .exclude(Q(alias_of__isnull=False) & Exists(restricted_original))
        .order_by("path")
    )


def public_snippets(model, *, now=None) -> QuerySet:
    now = now or timezone.now()
    return model.objects.exclude(_not_in_window(now))


def public_documents() -> QuerySet:
    Document = get_document_model()
    hidden_collection = Collection.objects.filter(
        path=Substr(OuterRef("collection__path"), 1, Length("path")),
        view_restrictions__isnull=False,
    )
    return Document.objects.exclude(Exists(hidden_collection))


def site_for_request(request) -> Site | None:
    """The site the request is for, by Host header; the default site otherwise."""
    return Site.find_for_request(request)


def public_path(page, site: Site) -> str:
    """The page's path as the public sees it, e.g. `/attraktive-samfunn/`."""
    root_url_path = site.root_page.url_path
    return "/" + page.url_path[len(root_url_path) :]
