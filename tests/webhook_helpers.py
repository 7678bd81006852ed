"""Content changes the webhook tests make, and a real receiver to send them to."""

from wagtail.models import Page

from webhooks.receiver import Receiver

SECRET = "test-secret-0123456789abcdef"


def page(slug: str) -> Page:
    return Page.objects.get(slug=slug).specific


def publish(page_obj):
    page_obj.save_revision().publish()
    page_obj.refresh_from_db()
    return page_obj


def bodies(receiver: Receiver) -> list[dict]:
    return [request.json for request in receiver.received]
