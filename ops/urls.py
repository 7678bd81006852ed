"""Routes of the ops app: the health endpoints, outside the language prefixes and Wagtail's page tree."""

from django.urls import path

from . import health

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
]
