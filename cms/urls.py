from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.views import PublicGraphQLView
from search import views as search_views
from web import media, sitemaps
from web import views as web_views

urlpatterns = [
    # Probes for the orchestrator (docs/operations.md); before Wagtail's catch-all page route.
    path("", include("ops.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The API is anonymous and read-only; CSRF protects cookie sessions, which it never uses.
    # With or without the slash: APPEND_SLASH cannot redirect a POST.
    re_path(r"^graphql/?$", csrf_exempt(PublicGraphQLView.as_view()), name="graphql"),
    # Only renditions of public images; never the media folder wholesale (web/media.py).
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots, name="robots"),
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/images/(?P<name>[^/]+)$", media.serve_rendition, name="rendition"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Wagtail's password and login views; then, in each language (bokmål unprefixed, /nn/, /se/), the search page and
# every page through the public reader (web.views.serve), under Wagtail's own URL name so page URLs are reversed
# as usual.
urlpatterns += [*(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve")]
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    re_path(wagtail_urls.serve_pattern, web_views.serve, name="wagtail_serve"),
    prefix_default_language=False,
)
