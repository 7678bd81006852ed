from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail.models import Page, Site
from wagtail.wagtail_hooks import check_view_restrictions

from publishing.visibility import restricted_pages


@hooks.register("before_serve_page")
def only_what_the_public_may_see(page, request, serve_args, serve_kwargs):
    """Pages reach Wagtail's serving only when the public form has none: hidden, or behind a restriction.

    A hidden page (unpublished, expired, not yet live, under an unpublished
    parent) is a 404, as the API's null. A page that is public apart from a
    view restriction goes on to Wagtail's restriction check, which covers the
    page and its ancestors; the pages whose content it shows must be passed
    too: an alias's original, and the page's translations (with theirs).
    """
    site = Site.find_for_request(request)
    if site is None or not restricted_pages(site).filter(pk=page.pk).exists():
        raise Http404
    shown = Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)
    if page.alias_of_id:
        shown = shown | Page.objects.filter(pk=page.alias_of_id)
    passed = HttpResponse()
    check = check_view_restrictions(lambda *args: passed)
    for other in shown.specific():
        response = check(other, request, serve_args, serve_kwargs)
        if response is not passed:
            return response
    return None
