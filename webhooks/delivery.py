"""Sending deliveries: by the worker, in order per endpoint, retried with backoff, never lost.

All state lives in `Delivery` rows, not in task rows: a task only says "look
at endpoint N". A worker that dies mid-send leaves a lease, given up as soon
as its heartbeat stops (`worker.liveness`) or when it lapses, and the
periodic `resume_overdue` hands the endpoint to a worker again, so a restart
loses nothing (at worst a delivery is sent twice, with the same body and
`X-CMS-Delivery` id, which receivers dedupe on).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from worker import liveness

from . import signing
from .addresses import RefusedAddress, resolve
from .http import post
from .models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)

# Longer than any one attempt (the timeout) plus the bookkeeping around it.
LEASE = timedelta(seconds=60)
# `resume_overdue` leaves alone a delivery due this recently: its task is most likely queued already.
RESUME_GRACE = timedelta(seconds=5)


def enqueue_after_commit(endpoint_ids):
    def enqueue():
        for endpoint_id in sorted(endpoint_ids):
            deliver_endpoint.enqueue(endpoint_id)

    transaction.on_commit(enqueue)


@task()
def deliver_endpoint(endpoint_id: int):
    """Send this endpoint's due deliveries, oldest first, until one has to wait."""
    sent = 0
    while (delivery := _claim_head(endpoint_id)) is not None:
        _attempt(delivery)
        sent += 1
    return sent


def _claim_head(endpoint_id: int) -> Delivery | None:
    """The endpoint's oldest unfinished delivery, leased to this worker, if it is due and no one else has it."""
    now = timezone.now()
    head = (
        Delivery.objects.filter(endpoint_id=endpoint_id, endpoint__enabled=True, status=Delivery.PENDING)
        .order_by("id")
        .first()
    )
    if head is None or head.next_attempt_at > now:
        return None
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    if head.lease_until and head.lease_until > now:
        if not _holder_lost(head, now):
            return None
        # Taken from a dead worker: only if no one has taken it since.
        free = Q(lease_until=head.lease_until, lease_holder=head.lease_holder)
    taken = Delivery.objects.filter(free, pk=head.pk, status=Delivery.PENDING).update(
        lease_until=now + LEASE, lease_holder=liveness.current_id()
    )
    if not taken:
        return None  # another worker took it first
    head.refresh_from_db()
    return head


def _holder_lost(delivery: Delivery, now, alive=None) -> bool:
    return liveness.holder_lost(delivery.lease_holder, delivery.lease_until - LEASE, now, alive)


def _attempt(delivery: Delivery):
    endpoint = delivery.endpoint
    started = timezone.now()
    clock = time.monotonic()
    body = delivery.body_bytes
    try:
        target = resolve(endpoint.url)
    except RefusedAddress as exc:
        status, excerpt, error = None, "", str(exc)[:300]
    else:
        answer = post(
            target,
            body,
            {
                signing.SIGNATURE_HEADER: signing.sign(endpoint.secret, body),
                signing.EVENT_HEADER: delivery.event,
                signing.DELIVERY_HEADER: str(delivery.uuid),
            },
            settings.WEBHOOKS["TIMEOUT"],
        )
        status, excerpt, error = answer.status, answer.excerpt, answer.error
    succeeded = status is not None and 200 <= status < 300 and not error
    _record(delivery, started, clock, status, excerpt, error, succeeded)


def _record(delivery, started, clock, status, excerpt, error, succeeded):
    now = timezone.now()
    delays = settings.WEBHOOKS["RETRY_DELAYS"]
    attempts = delivery.attempts + 1
    # A delivery that waited behind an earlier one's retries gives up when that one would have: an endpoint
    # that is down for the whole retry window does not make each queued delivery wait a window of its own.
    # The window: every delay plus every attempt at its longest.
    window = sum(delays) + (len(delays) + 1) * settings.WEBHOOKS["TIMEOUT"]
    give_up_at = delivery.queued_at + timedelta(seconds=window)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            status_code=status,
            succeeded=succeeded,
            error=error,
            response_excerpt=excerpt,
        )
        if succeeded:
            changes = {"status": Delivery.SUCCEEDED, "finished_at": now, "next_attempt_at": None}
        elif attempts > len(delays) or now >= give_up_at:
            changes = {"status": Delivery.FAILED, "finished_at": now, "next_attempt_at": None}
            logger.warning(
                "Webhook delivery %s to %s failed after %d attempts", delivery.uuid, delivery.endpoint, attempts
            )
        else:
            changes = {"next_attempt_at": min(now + timedelta(seconds=delays[attempts - 1]), give_up_at)}
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, lease_until=None, lease_holder="", **changes)
    if not succeeded and "next_attempt_at" in changes and changes["next_attempt_at"]:
        _enqueue_retry(delivery.endpoint_id, changes["next_attempt_at"])


def _enqueue_retry(endpoint_id: int, when):
    # Backends that can defer wake the endpoint at its retry time; `resume_overdue` covers the others.
    if default_task_backend.supports_defer:
        transaction.on_commit(lambda: deliver_endpoint.using(run_after=when).enqueue(endpoint_id))


def resume_overdue():
    """Periodic: hand every endpoint with an overdue, unleased delivery at its head to a worker again."""
    now = timezone.now()
    earlier_unfinished = Delivery.objects.filter(
        endpoint=OuterRef("endpoint"), status=Delivery.PENDING, id__lt=OuterRef("id")
    )
    heads = (
        Delivery.objects.filter(
            status=Delivery.PENDING, endpoint__enabled=True, next_attempt_at__lte=now - RESUME_GRACE
        )
        .exclude(Exists(earlier_unfinished))
        .only("endpoint_id", "lease_until", "lease_holder")
    )
    alive = None
    overdue = set()
    for head in heads:
        if head.lease_until and head.lease_until > now:
            alive = liveness.alive_ids(now) if alive is None else alive
            if not _holder_lost(head, now, alive):
                continue
        overdue.add(head.endpoint_id)
    for endpoint_id in sorted(overdue):
        deliver_endpoint.enqueue(endpoint_id)


def prune_old():
    """Periodic: finished deliveries and their attempt logs older than `WEBHOOKS["RETENTION_DAYS"]`."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS["RETENTION_DAYS"])
    Delivery.objects.exclude(status=Delivery.PENDING).filter(finished_at__lt=cutoff).delete()


def send_again(delivery: Delivery):
    """Queue a delivery once more, same id and body, with a fresh signature and a fresh set of retries."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.PENDING,
        attempts=0,
        queued_at=timezone.now(),
        next_attempt_at=timezone.now(),
        finished_at=None,
        lease_until=None,
        lease_holder="",
    )
    enqueue_after_commit({delivery.endpoint_id})
