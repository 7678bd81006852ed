from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page

from api.loaders import PublicContent

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """The public search page: same visibility rule as the API."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = []
    if query:
        # The search backend only understands plain field filters, so the
        # visibility rule goes in as a subquery of ids.
        visible = PublicContent.for_request(request).pages().values("pk")
        results = Page.objects.filter(pk__in=visible).specific().search(query)
        Query.get(query).add_hit()
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(1)
    return TemplateResponse(request, "search/search.html", {"search_query": query, "results": page})
