"""Content changes the webhook tests make, and a real receiver to send them to."""

import json
import uuid

from wagtail.models import Page

from webhooks.receiver import Receiver

SECRET = "test-secret-0123456789abcdef"


def page(slug: str) -> Page:
    return Page.objects.get(slug=slug).specific


def publish(page_obj):
    page_obj.save_revision().publish()
    page_obj.refresh_from_db()
    return page_obj


def add_block(page_obj, block_type: str, value: dict):
    """Append a body block (raw form, as the admin stores it) and publish the page."""
    raw = list(page_obj.body.raw_data)
    raw.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})
    page_obj.body = json.dumps(raw)
    return publish(page_obj)


def item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def bodies(receiver: Receiver) -> list[dict]:
    return [request.json for request in receiver.received]
