from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Synonym, ZeroResultQuery


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "resubmit"
    menu_label = "Søkesynonymer"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["terms", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["terms"]
    search_backend_name = None  # plain database lookups; synonyms are not in the site search index
    panels = [FieldPanel("terms"), FieldPanel("kind"), FieldPanel("active")]


register_snippet(SynonymViewSet)


# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """A cell a spreadsheet shows as the text it is: anyone can get a search recorded, «=HYPERLINK(…)» too."""
    return "'" + value if value.startswith(FORMULA_START) else value


class ZeroResultReportView(ReportView):
    """Searches that found nothing: candidates for new content, synonyms or promotions."""

    page_title = "Søk uten treff"
    header_icon = "search"
    is_searchable = True
    search_fields = ["query_string"]
    default_ordering = "-hits"
    index_url_name = "search_zero_results"
    index_results_url_name = "search_zero_results_results"
    columns = [
        Column("query_string", label="Søk", sort_key="query_string"),
        NumberColumn("hits", label="Antall ganger", sort_key="hits"),
        DateColumn("last_searched_at", label="Sist søkt", sort_key="last_searched_at"),
    ]
    export_headings = {"query_string": "Søk", "hits": "Antall ganger", "last_searched_at": "Sist søkt"}
    list_export = ["query_string", "hits", "last_searched_at"]
    # The XLSX export already stores formulas as text (Wagtail); CSV has no cell types.
    custom_field_preprocess = {"query_string": {"csv": as_text_cell}}

    def get_base_queryset(self):
        return ZeroResultQuery.objects.all()

    def dispatch(self, request, *args, **kwargs):
        # Same audience as Wagtail's "Search terms" report.
        if not request.user.is_superuser:
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


@hooks.register("register_admin_urls")
def register_zero_result_urls():
    return [
        path("reports/search-zero-results/", ZeroResultReportView.as_view(), name="search_zero_results"),
        path(
            "reports/search-zero-results/results/",
            ZeroResultReportView.as_view(results_only=True),
            name="search_zero_results_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_zero_result_menu_item():
    return AdminOnlyMenuItem(
        "Søk uten treff",
        reverse("search_zero_results"),
        name="search-zero-results",
        icon_name="search",
        order=1310,
    )
