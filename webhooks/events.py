"""The events frontends can subscribe to, and `emit`, the one way an event becomes deliveries.

`emit` knows nothing of where events come from (today `webhooks.producers`;
later the public store's `public_content_changed` signal). It records one
delivery per subscribed endpoint in the caller's transaction, so a change
and its deliveries commit or roll back together, and hands them to the
worker when that transaction commits.
"""

import json
import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

EVENTS = {
    "page.published": "Side publisert",
    "page.unpublished": "Side avpublisert",
    "page.moved": "Side flyttet",
    "page.deleted": "Side slettet",
    "contact.published": "Kontaktperson publisert",
    "contact.unpublished": "Kontaktperson avpublisert",
    "document.changed": "Dokument endret",
    "image.changed": "Bilde endret",
}


def body(*, delivery_id: uuid.UUID, event: str, occurred_at: datetime, site: str, items, paths, tags) -> str:
    """The JSON text sent (its UTF-8 bytes are what is signed)."""
    return json.dumps(
        {
            "id": str(delivery_id),
            "event": event,
            "occurredAt": occurred_at.isoformat(),
            "site": site,
            "items": list(items),
            "paths": list(paths),
            "tags": list(tags),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def emit(event: str, *, site: str, items, paths, tags, occurred_at: datetime | None = None) -> list:
    """Record a delivery of `event` for every enabled endpoint subscribed to it; send them after commit."""
    from .delivery import enqueue_after_commit
    from .models import Delivery, Endpoint

    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(enabled=True) if endpoint.subscribes_to(event)]
    if not endpoints:
        return []
    occurred_at = occurred_at or timezone.now()
    deliveries = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery_id = uuid.uuid4()
            deliveries.append(
                Delivery.objects.create(
                    uuid=delivery_id,
                    endpoint=endpoint,
                    event=event,
                    payload=body(
                        delivery_id=delivery_id,
                        event=event,
                        occurred_at=occurred_at,
                        site=site,
                        items=items,
                        paths=paths,
                        tags=tags,
                    ),
                    queued_at=occurred_at,
                    next_attempt_at=occurred_at,
                )
            )
    enqueue_after_commit({endpoint.pk for endpoint in endpoints})
    return deliveries


def anyone_listening() -> bool:
    """Whether any endpoint is enabled: producers skip their work when none is."""
    from .models import Endpoint

    return Endpoint.objects.filter(enabled=True).exists()
