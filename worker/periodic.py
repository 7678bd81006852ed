"""Periodic jobs without cron: any number of workers, each job run by one of them at a time.

Each worker process runs a beat thread. Every `WORKER["BEAT_INTERVAL"]`
seconds it moves the `next_run_at` of each due job forward with a
conditional UPDATE; the one worker whose UPDATE changed the row enqueues a
`run_periodic` task, which any worker may pick up. The task itself takes a
lease (`running_until`), so a run that lasts longer than its interval is
never doubled. Workers on several machines need nothing but the shared
database.
"""

import logging
import threading
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from . import liveness
from .models import PeriodicJob

logger = logging.getLogger(__name__)

# A run that has not finished after this long is taken to have died, even if its worker still beats
# (`worker.liveness` frees the lease sooner when the worker itself stops).
RUN_LEASE = timedelta(minutes=15)


def jobs() -> dict[str, tuple[str, float]]:
    return settings.WORKER["PERIODIC_JOBS"]


def ensure_rows():
    """A row for every configured job (due at once), created by whichever worker starts first."""
    now = timezone.now()
    known = set(PeriodicJob.objects.values_list("name", flat=True))
    for name in jobs():
        if name not in known:
            try:
                with transaction.atomic():
                    PeriodicJob.objects.create(name=name, next_run_at=now)
            except IntegrityError:
                pass  # another worker created it


def claim_due(now=None) -> list[str]:
    """Take the jobs due now; another worker's beat gets none of them."""
    now = now or timezone.now()
    claimed = []
    for name, (_path, every) in jobs().items():
        if PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=every)
        ):
            claimed.append(name)
    return claimed


def beat_once():
    for name in claim_due():
        run_periodic.enqueue(name)


@task()
def run_periodic(name: str):
    """Run one periodic job, unless a run of it is still under way."""
    path, _every = jobs()[name]
    now = timezone.now()
    free = Q(running_until__isnull=True) | Q(running_until__lt=now)
    taken = PeriodicJob.objects.filter(free, name=name).update(
        running_until=now + RUN_LEASE, last_started_at=now, run_by=liveness.current_id()
    )
    if not taken:
        return "skipped: still running"
    error = ""
    try:
        import_string(path)()
    except Exception:
        logger.exception("Periodic job %s failed", name)
        error = traceback.format_exc(limit=5)[-2000:]
    finally:
        PeriodicJob.objects.filter(name=name).update(
            running_until=None, last_finished_at=timezone.now(), last_error=error
        )
    return "failed" if error else "done"


class Beat(threading.Thread):
    """The thread in each worker process that enqueues due periodic jobs."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="periodic-beat", daemon=True)
        self.interval = interval if interval is not None else settings.WORKER["BEAT_INTERVAL"]
        self.stopped = threading.Event()

    def run(self):
        try:
            ensure_rows()
            while not self.stopped.is_set():
                try:
                    close_old_connections()
                    beat_once()
                except Exception:
                    # A locked or unreachable database must not stop the beat; the next one tries again.
                    logger.exception("Periodic beat failed")
                self.stopped.wait(self.interval)
        finally:
            connections.close_all()

    def stop(self):
        self.stopped.set()
