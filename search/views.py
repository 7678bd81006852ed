import re

from django.template.response import TemplateResponse
from django.utils.translation import get_language

from publishing.languages import default_language, languages
from publishing.reader import PublicContent

from .engine import MAX_QUERY_LENGTH, SearchInputError, page_model_for, tidy
from .languages import search_in

RESULTS_PER_PAGE = 10
MAX_PAGE_NUMBER = 1000
# Page numbers shown on each side of the current one; the first and last are always shown.
PAGE_LINKS_AROUND = 2


def _page_number(value) -> int:
    # ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
    text = str(value or "1").strip()
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
        return 1
    return min(int(text), MAX_PAGE_NUMBER)


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page numbers to link to, with None where numbers are left out: 1 None 4 5 6 7 8 None 20."""
    shown = sorted({1, last, *range(max(1, current - PAGE_LINKS_AROUND), min(last, current + PAGE_LINKS_AROUND) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _page_type(value: str) -> str | None:
    """The page type a facet link chose, as the engine names it; raises SearchInputError if there is none such."""
    value = (value or "").strip()[:100]
    return page_model_for(value).__name__ if value else None


def search(request):
    """The public search page: the same engine and visibility rule as the GraphQL `siteSearch`."""
    query = tidy(request.GET.get("q", ""))[:MAX_QUERY_LENGTH]
    page_number = _page_number(request.GET.get("page"))
    # «Søk heller etter …» links here with rettet=nei: the words exactly as typed, not corrected.
    autocorrect = request.GET.get("rettet") != "nei"
    context = {
        "search_query": query,
        "results": None,
        "error": None,
        "page_number": page_number,
        "page_type": None,
        "autocorrect": autocorrect,
    }
    try:
        page_type = context["page_type"] = _page_type(request.GET.get("type"))
    except SearchInputError:
        context["error"] = "Sidetypen i adressen finnes ikke. Søk på nytt uten avgrensning."
        query = ""
    if query:
        content = PublicContent.for_request(request)
        # /nn/search/ searches nynorsk (with its fallbacks), /search/ the default language.
        language = get_language() if get_language() in languages() else default_language()

        def run(offset, **options):
            return search_in(
                content,
                language,
                query,
                limit=RESULTS_PER_PAGE,
                offset=offset,
                page_type=page_type,
                autocorrect=autocorrect,
                **options,
            )

        try:
            results = run((page_number - 1) * RESULTS_PER_PAGE, record=True)
        except SearchInputError:
            context["error"] = "Skriv inn minst ett ord å søke etter."
        else:
            if not results.hits and results.total_count and page_number > 1:
                # A stale or hand-edited page number past the end: show the first page.
                page_number = context["page_number"] = 1
                results = run(0)
            pages = max(1, -(-results.total_count // RESULTS_PER_PAGE))
            context.update(
                results=results,
                first_number=(page_number - 1) * RESULTS_PER_PAGE + 1,
                num_pages=pages,
                previous_page=page_number - 1 if page_number > 1 else None,
                next_page=page_number + 1 if page_number < pages else None,
                page_numbers=page_numbers(page_number, pages),
            )
    return TemplateResponse(request, "search/search.html", context)
