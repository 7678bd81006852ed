"""Wagtail's redirects, only ever to what the public may see.

Wagtail makes a redirect from a page's old address whenever a page moves, and
editors make their own to pages. Wagtail's middleware sends the visitor to the
target page's URL whatever its state: after a public page is moved under a
draft or private parent, its old address would tell the new one, with the
draft's slug in it. Here a redirect to a page is followed only while the page
is public (in the request's site, or in the site it belongs to), to its public
path; otherwise the visitor gets the 404 the old address already had.
"""

from urllib.parse import urlparse

from django import http
from wagtail.contrib.redirects import models
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.models import Site

from publishing.reader import PublicContent
from publishing.visibility import public_pages, public_path


def _public_url(request, page_id: int) -> str | None:
    content = PublicContent.for_request(request)
    record = content.page_by_id(page_id)
    if record is not None:
        return record.url_path
    # A redirect may lead to another site's page: its public address there.
    for site in Site.objects.exclude(pk=getattr(content.site, "pk", None)).select_related("root_page"):
        page = public_pages(site).filter(pk=page_id).first()
        if page is not None:
            return site.root_url.rstrip("/") + public_path(page, site)
    return None


def _link(request, redirect) -> str | None:
    if redirect.redirect_page_id is None:
        return redirect.redirect_link or None
    url = _public_url(request, redirect.redirect_page_id)
    if url is None or not redirect.redirect_page_route_path:
        return url
    return url.rstrip("/") + redirect.redirect_page_route_path


class PublicRedirectMiddleware(RedirectMiddleware):
    """Wagtail's `RedirectMiddleware`, with page targets checked and addressed by the public reader."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        # As Wagtail's: the path as requested, then without its query string.
        path = models.Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        if redirect is None:
            without_query = urlparse(path).path
            if without_query == path:
                return response
            redirect = get_redirect(request, without_query)
            if redirect is None:
                return response
        link = _link(request, redirect)
        if link is None:
            return response
        if redirect.is_permanent:
            return http.HttpResponsePermanentRedirect(link)
        return http.HttpResponseRedirect(link)
