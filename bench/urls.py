"""URLs of the benchmark server only: the real site plus the two comparison endpoints."""

from django.http import JsonResponse
from django.urls import path
from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as site_urlpatterns
from content_models.models import ThemePage, TopicPage

# The REST API shows only the fields a model lists; list the ones the GraphQL
# query reads, so both APIs return the same page content.
for model in (ThemePage, TopicPage):
    model.api_fields = [APIField("intro"), APIField("body")]

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

PAYLOAD = {"title": "Infrastruktur", "url": "/attraktive-samfunn/infrastruktur/", "ok": True}


def bare(request):
    """The floor: a JSON answer through the same middleware, with no database or GraphQL work."""
    return JsonResponse(PAYLOAD)


urlpatterns = [
    path("bench/bare/", bare),
    path("api/v2/", api_router.urls),
    *site_urlpatterns,
]
