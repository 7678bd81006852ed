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

from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site


def _not_in_window(now) -> Q:
    return Q(live=False) | Q(expired=True) | Q(expire_at__lte=now) | Q(go_live_at__gt=now)


# treebeard's `path` field holds at most 255 characters, 4 per level.
MAX_TREE_DEPTH = 255 // Page.steplen


class IsAncestorOrSelf(Expression):
    """`path IN (SUBSTR(outer, 1, 4), SUBSTR(outer, 1, 8), ...)`: true for the outer page and its ancestors.

    In treebeard's materialised path an ancestor's path is a prefix of ours, so
    the candidates can be listed and matched for equality on the indexed `path`
    column. A prefix comparison (`outer LIKE path || '%'`) cannot use the index
    and scans every page for every row: minutes at 10,000 pages. Beyond a
    page's own length SUBSTR returns the whole path, so one list covers every
    depth; PostgreSQL drops the duplicates before probing the index.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, outer_path):
        super().__init__()
        self.path = F("path")
        self.outer_path = outer_path

    def get_source_expressions(self):
        return [self.path, self.outer_path]

    def set_source_expressions(self, exprs):
        self.path, self.outer_path = exprs

    def as_sql(self, compiler, connection):
        path_sql, path_params = compiler.compile(self.path)
        outer_sql, outer_params = compiler.compile(self.outer_path)
        candidates = ", ".join(
            f"SUBSTR({outer_sql}, 1, {Page.steplen * depth})" for depth in range(1, MAX_TREE_DEPTH + 1)
        )
        return f"{path_sql} IN ({candidates})", [*path_params, *outer_params * MAX_TREE_DEPTH]


def _hidden_ancestor(outer_path: str, hidden: Q) -> Exists:
    """True for rows with an ancestor-or-self page (found from `outer_path`) matching `hidden`."""
    return Exists(Page.objects.filter(IsAncestorOrSelf(OuterRef(outer_path)), hidden))


def public_pages(site: Site | None, *, now=None) -> QuerySet:
    """Pages the published website shows in `site` (none at all without a site)."""
    if site is None:
        return Page.objects.none()
    now = now or timezone.now()
    unpublished_or_restricted = (_not_in_window(now) & Q(depth__gt=1)) | Q(view_restrictions__isnull=False)
    root = site.root_page
    return (
        Page.objects.filter(path__startswith=root.path, depth__gte=root.depth)
        # `depth < 1` is never true; inside the OR it keeps PostgreSQL from turning
        # NOT EXISTS into an anti join, which it plans as a scan of every page per
        # row. As a per-row subplan each check is a few index probes.
        .filter(Q(depth__lt=1) | ~_hidden_ancestor("path", unpublished_or_restricted))
        # An alias shows its original's content, so it is hidden wherever the original is restricted.
        .exclude(Q(alias_of__isnull=False) & _hidden_ancestor("alias_of__path", Q(view_restrictions__isnull=False)))
        .order_by("path")
    )


def public_snippets(model, *, now=None) -> QuerySet:
    now = now or timezone.now()
    return model.objects.exclude(_not_in_window(now))


def snippet_is_public(obj, *, now=None) -> bool:
    """`public_snippets` for one object already in memory (as chooser blocks hand them over)."""
    now = now or timezone.now()
    return bool(
        obj is not None
        and obj.live
        and not obj.expired
        and (obj.expire_at is None or obj.expire_at > now)
        and (obj.go_live_at is None or obj.go_live_at <= now)
    )


def _in_public_collection(model) -> QuerySet:
    # Collection restrictions are inherited: an ancestor collection's restriction hides the item.
    hidden_collection = Collection.objects.filter(
        path=Substr(OuterRef("collection__path"), 1, Length("path")),
        view_restrictions__isnull=False,
    )
    return model.objects.exclude(Exists(hidden_collection))


def public_documents() -> QuerySet:
    return _in_public_collection(get_document_model())


def public_images() -> QuerySet:
    return _in_public_collection(get_image_model())


def site_for_request(request) -> Site | None:
    """The site the request is for, by Host header; the default site otherwise."""
    return Site.find_for_request(request)


def public_path(page, site: Site) -> str:
    """The page's path as the public sees it, e.g. `/attraktive-samfunn/`."""
    root_url_path = site.root_page.url_path
    return "/" + page.url_path[len(root_url_path) :]
