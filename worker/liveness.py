"""Which workers are alive, and handing back the work of one that died.

A worker killed outright (SIGKILL, out of memory, a lost machine) tells no
one. django-tasks-db leaves the task it was running marked RUNNING for good,
and the leases it held (a periodic job's run, a webhook delivery) would stand
until they lapse. So each worker process writes a heartbeat row every
`WORKER["HEARTBEAT_INTERVAL"]` seconds and names itself on what it holds;
a worker silent for `WORKER["HEARTBEAT_TIMEOUT"]` seconds is taken for dead,
and the periodic `reclaim` puts its running tasks back in the queue and frees
its leases. Its tasks then run again from the start, on whichever worker takes
them: every task here is written to be run again (docs/worker.md).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import PeriodicJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task whose worker died this many times is failed, not run again: it is most likely what kills them.
MAX_RUNS = 3

_current_id = ""


def current_id() -> str:
    """This process's worker id, or "" outside a worker (a web request running a task in place)."""
    return _current_id


def _timeout() -> timedelta:
    return timedelta(seconds=settings.WORKER["HEARTBEAT_TIMEOUT"])


def alive_ids(now=None) -> set[str]:
    since = (now or timezone.now()) - _timeout()
    return set(WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True))


def holder_lost(holder: str, taken_at, now=None, alive: set[str] | None = None) -> bool:
    """Whether a lease taken at `taken_at` by worker `holder` is held by a worker that has died."""
    now = now or timezone.now()
    if not holder or taken_at is None or taken_at > now - _timeout():
        return False
    return holder not in (alive if alive is not None else alive_ids(now))


class Heartbeat(threading.Thread):
    """The thread that keeps this worker's heartbeat row fresh; `start` writes the first beat before returning."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.WORKER["HEARTBEAT_INTERVAL"]
        self.stopped = threading.Event()
        self.started_at = timezone.now()

    def beat(self):
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": timezone.now(),
            },
        )

    def start(self):
        global _current_id
        _current_id = self.worker_id
        # Before the first task is claimed: a task row never names a worker that has no heartbeat yet.
        self.beat()
        super().start()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    close_old_connections()
                    self.beat()
                except Exception:
                    # An unreachable database must not end the heartbeat; the next beat tries again.
                    logger.exception("Worker heartbeat failed")
        finally:
            connections.close_all()

    def stop(self):
        """A clean exit: no heartbeat left to lapse, so nothing of this worker is ever reclaimed."""
        global _current_id
        self.stopped.set()
        _current_id = ""
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            # The database is away: the row lapses instead, and this worker held nothing by then.
            logger.exception("Could not remove the heartbeat of worker %s", self.worker_id)


def reclaim():
    """Periodic: put back the running tasks and free the leases of workers that stopped beating."""
    now = timezone.now()
    alive = alive_ids(now)
    cutoff = now - _timeout()
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff).only("id", "worker_ids", "started_at"):
        if row.worker_ids and row.worker_ids[-1] in alive:
            continue
        # Conditional on the row being as read: a worker that finishes the task meanwhile keeps its result.
        same_run = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
        if len(row.worker_ids) >= MAX_RUNS:
            same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="worker.liveness.WorkerLost",
                traceback=f"The worker running this task died {len(row.worker_ids)} times; not run again.",
            )
            logger.error("Task %s failed: its worker died %d times", row.pk, len(row.worker_ids))
        elif same_run.update(status=TaskResultStatus.READY, started_at=None):
            logger.warning("Task %s queued again: its worker %s stopped", row.pk, row.worker_ids[-1:])
    for job in PeriodicJob.objects.filter(running_until__gt=now).exclude(run_by__in=alive):
        if holder_lost(job.run_by, job.last_started_at, now, alive):
            PeriodicJob.objects.filter(pk=job.pk, run_by=job.run_by, last_started_at=job.last_started_at).update(
                running_until=None
            )
    # Rows of workers gone a day: their work was handed back long ago.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
