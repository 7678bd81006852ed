"""The shared visibility rule (`api.visibility.public_pages`), remembered between requests.

The rule checks every page's ancestors for unpublished, expired or restricted
pages. On 10,000 pages that is far too slow to run in every request and
every search. Here its *result* is cached: the ids of the site's pages the rule
hides, usually none or a handful, so a request or search only adds
`path under the site root AND id NOT IN (hidden)`, which is exactly the rule's
answer at the time it was computed.

The cache is keyed by the content version (`publishing.version`), so it is
dropped whenever a page, a view restriction or a site changes, and it never outlives the next scheduled go-live or expiry time in the
site, so timed publishing takes effect on the second.
"""

from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone
from wagtail.models import Page, Site

from publishing.version import caching_allowed, shared_version
from publishing.visibility import public_pages, site_for_request

from .process_memo import BoundedMemo

MAX_SECONDS = 300
# Shorter than this, keeping something is not worth it: compute it afresh.
MIN_SECONDS = 0.5


def _upcoming(queryset, now) -> list:
    found = queryset.aggregate(
        go_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
        expire=Min("expire_at", filter=Q(expire_at__gt=now)),
    )
    return [t for t in found.values() if t is not None]


def hidden_page_ids(site) -> list[int]:
    """Ids of pages under the site's root that `public_pages(site)` leaves out."""
    version = shared_version()
    if version is None:
        return _compute_hidden(site, timezone.now())
    key = f"api:hidden-pages:{site.pk}:{site.root_page_id}:{version}"
    hidden = cache.get(key)
    if hidden is None:
        now = timezone.now()
        hidden = _compute_hidden(site, now)
        # Counted from `now`, when the rule was applied, not from when it finished.
        lifetime = seconds_until_next_schedule(site, now) - (timezone.now() - now).total_seconds()
        if lifetime >= MIN_SECONDS:
            cache.set(key, hidden, lifetime)
    return hidden


def _compute_hidden(site, now) -> list[int]:
    root = site.root_page
    in_tree = Page.objects.filter(path__startswith=root.path, depth__gte=root.depth)
    return list(in_tree.exclude(pk__in=public_pages(site, now=now).values("pk")).values_list("pk", flat=True))


def cached_public_pages(site):
    """The pages `public_pages(site)` returns, in tree order, as a plain filter.

    Plain field filters are also what the search backend can apply.
    """
    if site is None:
        return Page.objects.none()
    root = site.root_page
    return (
        Page.objects.filter(path__startswith=root.path, depth__gte=root.depth)
        .exclude(pk__in=hidden_page_ids(site))
        .order_by("path")
    )


def request_pages(site):
    """The public pages for serving a request: the cached result, or the rule itself in a transaction.

    Inside a transaction (tests, admin actions) nothing is cached, and the rule
    runs as one subquery rather than a separate query for the hidden ids.
    """
    if site is not None and not caching_allowed():
        return public_pages(site)
    return cached_public_pages(site)


_sites = BoundedMemo(64)
_MISSING = object()


def request_site(request, version) -> Site | None:
    """`site_for_request`, remembered per process for each host until sites or pages change.

    Wagtail looks the site up with a query on every request; the answer only
    changes when a site (or the page it is rooted at) does, which bumps the
    content `version` (None: not remembered). Site objects are shared
    read-only between threads.
    """
    if version is None:
        return site_for_request(request)
    key = (request.get_host(), request.get_port(), version)
    site = _sites.get(key, _MISSING)
    if site is _MISSING:
        site = site_for_request(request)
        _sites.set(key, site)
    return site


def seconds_until_next_schedule(site, now=None) -> float:
    """Seconds until a scheduled go-live or expiry of a page (in the site) or contact person.

    Such changes send no signal, so anything cached from public content must
    not be kept longer than this: exactly, not rounded up, or something made
    just before the change would outlive it. Below `MIN_SECONDS` callers do not
    cache at all.
    """
    from content_models.models import ContactPerson

    now = now or timezone.now()
    times = _upcoming(ContactPerson.objects.all(), now)
    if site is not None:
        times += _upcoming(Page.objects.filter(path__startswith=site.root_page.path), now)
    if not times:
        return MAX_SECONDS
    return max(0.0, min(MAX_SECONDS, (min(times) - now).total_seconds()))
