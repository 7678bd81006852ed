"""Handing back the work of a worker that died: its running tasks queued again, its leases freed.

The rules, on rows as a killed worker leaves them; tests/test_faults.py kills real workers.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from webhooks.delivery import LEASE, deliver_endpoint, resume_overdue
from webhooks.events import emit
from webhooks.models import Delivery
from worker import liveness
from worker.models import PeriodicJob, WorkerHeartbeat
from worker.periodic import run_periodic

pytestmark = pytest.mark.django_db

# Shorter than the delivery lease, as in production: a lease can outlive its worker's heartbeat.
TIMEOUT = 10


@pytest.fixture
def workers(settings):
    """Worker "alive" beat just now; worker "dead" last beat two timeouts ago."""
    settings.WORKER = {**settings.WORKER, "HEARTBEAT_TIMEOUT": TIMEOUT}
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, seen_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="dead", started_at=now - timedelta(hours=1), seen_at=now - timedelta(seconds=2 * TIMEOUT)
    )
    return now


def _running(worker_ids: list[str], started_seconds_ago: float) -> DBTaskResult:
    row = DBTaskResult.objects.create(
        task_path=run_periodic.module_path,
        args_kwargs={"args": ["scheduled-publishing"], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=started_seconds_ago))
    return row


def test_a_dead_workers_running_task_is_queued_again_and_a_live_ones_is_left(workers):
    dead = _running(["dead"], started_seconds_ago=2 * TIMEOUT)
    alive = _running(["alive"], started_seconds_ago=2 * TIMEOUT)
    # A worker without a heartbeat row at all (it was removed, or the worker predates heartbeats).
    unknown = _running(["gone"], started_seconds_ago=2 * TIMEOUT)
    just_claimed = _running(["gone"], started_seconds_ago=1)

    liveness.reclaim()

    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[dead.pk] == TaskResultStatus.READY
    assert status[unknown.pk] == TaskResultStatus.READY
    assert status[alive.pk] == TaskResultStatus.RUNNING
    assert status[just_claimed.pk] == TaskResultStatus.RUNNING
    # Queued as before: any worker picks it up, and the list of workers that ran it is kept.
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()
    assert DBTaskResult.objects.get(pk=dead.pk).worker_ids == ["dead"]


def test_a_task_whose_worker_died_three_times_fails_instead(workers):
    row = _running(["dead", "dead", "dead"], started_seconds_ago=2 * TIMEOUT)
    liveness.reclaim()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "worker.liveness.WorkerLost"


def test_a_dead_workers_periodic_lease_is_freed_and_the_job_runs_again(workers, settings):
    ran = []
    settings.WORKER = {**settings.WORKER, "PERIODIC_JOBS": {"probe": (f"{__name__}.record_run", 10)}}
    record_run.into = ran
    started = workers - timedelta(seconds=2 * TIMEOUT)
    PeriodicJob.objects.create(
        name="probe",
        next_run_at=workers,
        running_until=workers + timedelta(minutes=10),
        run_by="dead",
        last_started_at=started,
    )
    PeriodicJob.objects.create(
        name="busy",
        next_run_at=workers,
        running_until=workers + timedelta(minutes=10),
        run_by="alive",
        last_started_at=started,
    )
    assert run_periodic.call("probe") == "skipped: still running"

    liveness.reclaim()

    assert PeriodicJob.objects.get(name="busy").running_until is not None
    assert run_periodic.call("probe") == "done"
    assert ran == [1]


def record_run():
    record_run.into.append(1)


def test_a_delivery_leased_by_a_dead_worker_is_sent_at_once_with_the_same_id(workers, endpoint, receiver):
    [delivery] = emit("page.published", site="localhost", items=[], paths=["/a/"], tags=[])
    # Leased a timeout ago by a worker that died mid-send; the lease itself has long to run.
    Delivery.objects.filter(pk=delivery.pk).update(
        lease_until=workers - timedelta(seconds=2 * TIMEOUT) + LEASE, lease_holder="alive"
    )
    deliver_endpoint.call(endpoint.pk)
    resume_overdue()
    assert receiver.received == []  # held by a live worker: left alone

    Delivery.objects.filter(pk=delivery.pk).update(lease_holder="dead")
    deliver_endpoint.call(endpoint.pk)
    [request] = receiver.received
    assert request.headers["X-CMS-Delivery"] == str(delivery.uuid)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.lease_holder, delivery.lease_until) == (Delivery.SUCCEEDED, "", None)


def test_a_worker_beats_names_itself_and_leaves_no_row_when_it_stops_cleanly():
    heartbeat = liveness.Heartbeat("w-1", interval=60)
    heartbeat.start()
    try:
        assert liveness.current_id() == "w-1"
        assert liveness.alive_ids() == {"w-1"}
    finally:
        heartbeat.stop()
        heartbeat.join(timeout=5)
    assert not WorkerHeartbeat.objects.exists()
