"""The one rule for what the public may see.

Every channel (GraphQL, the HTML site, search, webhooks) derives what it shows
from these querysets, so "published on the website" means the same thing
everywhere:

- a page is public when it is live, inside its go-live/expiry window, in the
  current site, and neither it nor any ancestor is unpublished, expired or
  behind a view restriction (password, login or groups);
- a snippet is public when its published version is live and in its window;
- a document is public when neither its collection nor any ancestor collection
  carries a view restriction.

Wagtail's own `.live().public()` misses unpublished ancestors and expiry dates
that the scheduler has not processed yet; this module covers both.

The rule splits in two parts that the stored public form keeps apart
(`publishing.store`): *membership* (live, not expired, nothing unpublished or
restricted on the way up), which only changes when something is saved, and a
*window* (the latest go-live and earliest expiry on the way up), which passes
with time alone. A page is public at `now` exactly when it is a member and
`now` is inside its window.
"""

from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

# The snippet part of the rule lives with the models (they need it too); the whole rule is read from here.
from content_models.publication import ALWAYS as ALWAYS
from content_models.publication import Window as Window
from content_models.publication import snippet_is_public as snippet_is_public
from content_models.publication import snippet_window as snippet_window

from .languages import language_of, site_roots, url_prefix


def _hidden(now=None) -> Q:
    """What hides a page or snippet by itself; with `now`, also being outside its go-live/expiry window."""
    hidden = Q(live=False) | Q(expired=True)
    if now is not None:
        hidden |= Q(expire_at__lte=now) | Q(go_live_at__gt=now)
    return hidden


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


def site_pages(site: Site) -> QuerySet:
    """Every page of the site's trees (one per language: the home page and its translations), whatever its state."""
    roots = site_roots(site)
    under = Q()
    for root in roots:
        under |= Q(path__startswith=root.path)
    return Page.objects.filter(under, depth__gte=roots[0].depth)


def _restricted() -> Q:
    """A view restriction on the page, or on or above any of its translations: a translation shows the same content.

    "Above" matters where the language trees differ: a bokmål page moved under a restricted page is restricted
    there, and its nynorsk translation, left where it was, shows the same content.
    """
    restricted_here_or_above = Page.objects.filter(IsAncestorOrSelf(OuterRef("path")), view_restrictions__isnull=False)
    return Q(view_restrictions__isnull=False) | Q(
        Exists(Page.objects.filter(Exists(restricted_here_or_above), translation_key=OuterRef("translation_key")))
    )


def _pages_not_hidden_by(site: Site | None, hidden: Q, *, restrictions: bool = True) -> QuerySet:
    if site is None:
        return Page.objects.none()
    unpublished_or_restricted = hidden & Q(depth__gt=1)
    if restrictions:
        unpublished_or_restricted |= _restricted()
    pages = (
        site_pages(site)
        # `depth < 1` is never true; inside the OR it keeps PostgreSQL from turning
        # NOT EXISTS into an anti join, which it plans as a scan of every page per
        # row. As a per-row subplan each check is a few index probes.
        .filter(Q(depth__lt=1) | ~_hidden_ancestor("path", unpublished_or_restricted))
        .order_by("path")
    )
    if restrictions:
        # An alias shows its original's content, so it is hidden wherever the original is restricted.
        pages = pages.exclude(Q(alias_of__isnull=False) & _hidden_ancestor("alias_of__path", _restricted()))
    return pages


def public_pages(site: Site | None, *, now=None) -> QuerySet:
    """Pages the published website shows in `site` (none at all without a site)."""
    return _pages_not_hidden_by(site, _hidden(now or timezone.now()))


def restricted_pages(site: Site | None, *, now=None) -> QuerySet:
    """Pages public in every way but a view restriction (on them, above them, or on an alias's original).

    The HTML site asks for the password or a login for these, as Wagtail does; the API never shows them.
    """
    now = now or timezone.now()
    unrestricted = _pages_not_hidden_by(site, _hidden(now), restrictions=False)
    return unrestricted.exclude(pk__in=public_pages(site, now=now).values("pk"))


def member_pages(site: Site | None) -> QuerySet:
    """Pages that are public whenever their window (`page_windows`) is open: `public_pages` without the clock."""
    return _pages_not_hidden_by(site, _hidden())


STEPLEN = Page.steplen
WINDOW_BATCH = 2000


def page_windows(pages) -> dict[int, Window]:
    """Each page's window: the latest go-live and the earliest expiry of it and its ancestors.

    One query per `WINDOW_BATCH` pages, on the indexed `path` column.
    """
    pages = list(pages)
    windows: dict[int, Window] = {}
    for start in range(0, len(pages), WINDOW_BATCH):
        batch = pages[start : start + WINDOW_BATCH]
        # The tree root (depth 1) is never live and never part of a window.
        prefixes = {page.path[: STEPLEN * depth] for page in batch for depth in range(2, page.depth + 1)}
        times = {
            path: (go_live, expire)
            for path, go_live, expire in Page.objects.filter(path__in=prefixes).values_list(
                "path", "go_live_at", "expire_at"
            )
        }
        for page in batch:
            chain = [times.get(page.path[: STEPLEN * depth], (None, None)) for depth in range(2, page.depth + 1)]
            go_lives = [go_live for go_live, _ in chain if go_live is not None]
            expiries = [expire for _, expire in chain if expire is not None]
            windows[page.pk] = Window(max(go_lives) if go_lives else None, min(expiries) if expiries else None)
    return windows


def public_snippets(model, *, now=None) -> QuerySet:
    return model.objects.exclude(_hidden(now or timezone.now()))


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
    """The page's path as the public sees it, e.g. `/attraktive-samfunn/` or `/nn/attraktive-samfunn/`."""
    for root in site_roots(site):
        if page.path.startswith(root.path):
            return url_prefix(language_of(root)) + "/" + page.url_path[len(root.url_path) :]
    return "/" + page.url_path[len(site.root_page.url_path) :]
