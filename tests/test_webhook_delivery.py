"""Sending: signatures, retries with backoff, order per endpoint, the attempt log, SSRF refusals, deadlines."""

import socket
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone

from webhooks import signing
from webhooks.addresses import RefusedAddress, resolve
from webhooks.delivery import deliver_endpoint, resume_overdue, send_again
from webhooks.events import emit
from webhooks.models import Delivery
from webhooks.receiver import Receiver

from .webhook_helpers import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def quick_retries(settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_DELAYS": [0.05, 0.05], "TIMEOUT": 1}


def _emit(number: int = 1):
    item = {"type": "page", "id": number, "locale": "nb"}
    return emit("page.published", site="localhost", items=[item], paths=[f"/{number}/"], tags=[f"page:{number}"])


def _send_due(endpoint):
    """What the worker does when a retry falls due."""
    time.sleep(0.06)
    deliver_endpoint.call(endpoint.pk)


# Signing


def test_signature_verifies_and_rejects_tampering_other_secrets_and_old_timestamps():
    body = '{"event":"page.published","paths":["/æøå/"]}'.encode()
    header = signing.sign(SECRET, body)
    assert signing.verify(SECRET, header, body)
    assert not signing.verify(SECRET, header, body + b" ")
    assert not signing.verify("another-secret-0123456789", header, body)
    old = signing.sign(SECRET, body, timestamp=int(time.time()) - 301)
    assert not signing.verify(SECRET, old, body)
    assert signing.verify(SECRET, old, body, tolerance=600)
    assert not signing.verify(SECRET, "t=abc,v1=00", body)
    assert not signing.verify(SECRET, "", body)


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    header = signing.sign(SECRET, b"{}", timestamp=1700000000)
    expected = hmac.new(SECRET.encode(), b"1700000000.{}", hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


# Retries, order, log


def test_a_receiver_answering_500_twice_is_retried_and_then_succeeds(endpoint, quick_retries):
    with Receiver(secret=SECRET, statuses=[500, 500]) as failing:
        endpoint.url = failing.url
        endpoint.save()
        [delivery] = _emit()
        deliver_endpoint.call(endpoint.pk)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.PENDING
        assert delivery.attempts == 1
        assert delivery.next_attempt_at > timezone.now() - timezone.timedelta(seconds=1)
        _send_due(endpoint)
        _send_due(endpoint)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.SUCCEEDED
    assert [request.status for request in failing.received] == [500, 500, 200]
    # The same id and body each time, signed afresh.
    assert {request.body for request in failing.received} == {delivery.body_bytes}
    assert {request.headers[signing.DELIVERY_HEADER] for request in failing.received} == {str(delivery.uuid)}
    log = list(delivery.attempt_log.all())
    assert [attempt.status_code for attempt in log] == [500, 500, 200]
    assert [attempt.succeeded for attempt in log] == [False, False, True]
    assert log[0].response_excerpt == "svar 500"


def test_after_the_last_retry_the_delivery_fails_and_can_be_sent_again(endpoint, quick_retries):
    with Receiver(secret=SECRET, statuses=[503, 503, 503]) as down:
        endpoint.url = down.url
        endpoint.save()
        [delivery] = _emit()
        deliver_endpoint.call(endpoint.pk)
        _send_due(endpoint)
        _send_due(endpoint)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.FAILED
        assert delivery.attempts == 3
        assert len(down.received) == 3

        send_again(delivery)
        deliver_endpoint.call(endpoint.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.SUCCEEDED
    assert len(down.received) == 4
    # Nothing logged holds the secret.
    for attempt in delivery.attempt_log.all():
        assert SECRET not in f"{attempt.error} {attempt.response_excerpt}"


def test_deliveries_to_one_endpoint_keep_event_order_behind_a_retry(endpoint, quick_retries):
    with Receiver(secret=SECRET, statuses=[500]) as receiver:
        endpoint.url = receiver.url
        endpoint.save()
        for number in (1, 2, 3):
            _emit(number)
        deliver_endpoint.call(endpoint.pk)
        # The first failed: the later ones wait for it.
        assert [r.json["items"][0]["id"] for r in receiver.received] == [1]
        _send_due(endpoint)
    assert [r.json["items"][0]["id"] for r in receiver.received] == [1, 1, 2, 3]
    assert [r.status for r in receiver.received] == [500, 200, 200, 200]


def test_a_delivery_that_waited_out_the_retry_window_behind_others_fails_with_its_next_failure(endpoint, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_DELAYS": [30, 60], "TIMEOUT": 1}
    with Receiver(secret=SECRET, statuses=[500]) as down:
        endpoint.url = down.url
        endpoint.save()
        [delivery] = _emit()
        # Queued longer ago than 30 + 60 s of delays and 3 attempts of 1 s: the endpoint was down all that time.
        Delivery.objects.filter(pk=delivery.pk).update(queued_at=timezone.now() - timezone.timedelta(seconds=94))
        deliver_endpoint.call(endpoint.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.FAILED, 1)


def test_deliveries_are_sent_only_after_the_change_commits(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _emit()
    assert receiver.received == []
    for callback in callbacks:
        callback()
    assert len(receiver.wait_for(1)) == 1


def test_a_rolled_back_change_leaves_no_delivery(endpoint):
    def failing_change():
        with transaction.atomic():
            _emit()
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not Delivery.objects.exists()


def test_resume_overdue_hands_a_stranded_delivery_to_a_worker(endpoint, receiver):
    # As after a worker died: a delivery overdue, with a lapsed lease, and no task queued for it.
    [delivery] = _emit()
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timezone.timedelta(minutes=1),
        lease_until=timezone.now() - timezone.timedelta(seconds=1),
    )
    resume_overdue()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.SUCCEEDED
    assert len(receiver.received) == 1


def test_a_leased_delivery_is_not_sent_by_a_second_worker(endpoint, receiver):
    [delivery] = _emit()
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now() + timezone.timedelta(seconds=30))
    deliver_endpoint.call(endpoint.pk)
    resume_overdue()
    assert receiver.received == []


# Where webhooks may go


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://192.168.1.20/hook",
        "http://172.16.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8000/hook",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_internal_addresses_are_refused_in_production(settings, url):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": []}
    with pytest.raises(RefusedAddress, match="intern adresse"):
        resolve(url)


def test_operators_can_allow_internal_hosts_and_networks(settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": ["10.1.0.0/16", "localhost"]}
    assert resolve("http://10.1.2.3/hook").ip == "10.1.2.3"
    assert resolve("http://localhost:9/hook").host == "localhost"
    with pytest.raises(RefusedAddress):
        resolve("http://10.2.0.1/hook")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.no/", "http:// eller https://"),
        ("http://user:pw@127.0.0.1/", "brukernavn eller passord"),
        ("http:///nohost", "vertsnavn"),
        ("http://127.0.0.1:99999/", "Ugyldig adresse"),
    ],
)
def test_malformed_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(RefusedAddress, match=message):
        resolve(url)


def test_the_address_is_checked_again_at_delivery(endpoint, receiver, settings):
    [delivery] = _emit()
    # Allowed when saved; by delivery time the operator has withdrawn the allowance.
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": [], "RETRY_DELAYS": [60]}
    deliver_endpoint.call(endpoint.pk)
    assert receiver.received == []
    [attempt] = delivery.attempt_log.all()
    assert "intern adresse" in attempt.error
    assert attempt.status_code is None


def test_redirects_are_not_followed(endpoint, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_DELAYS": [60]}
    with Receiver(secret=SECRET, statuses=[302]) as redirecting:
        endpoint.url = redirecting.url
        endpoint.save()
        [delivery] = _emit()
        deliver_endpoint.call(endpoint.pk)
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 302
    assert not attempt.succeeded
    assert "Videresending" in attempt.error


def test_a_receiver_that_never_answers_times_out(endpoint, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "RETRY_DELAYS": [60], "TIMEOUT": 0.5}
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    try:
        endpoint.url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        endpoint.save()
        [delivery] = _emit()
        started = time.monotonic()
        deliver_endpoint.call(endpoint.pk)
        assert time.monotonic() - started < 3
    finally:
        silent.close()
    [attempt] = delivery.attempt_log.all()
    assert "Tidsavbrudd" in attempt.error
    delivery.refresh_from_db()
    assert delivery.status == Delivery.PENDING
