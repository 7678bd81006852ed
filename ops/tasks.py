"""One log line per background task run: which task, its id, how it ended and how long it took.

Read from django-tasks' own signals, so every backend (the worker's database queue, the immediate one)
logs alike. The task's arguments are not written: they can name people or carry content.
"""

import logging
import threading
import time

from django_tasks.signals import task_finished, task_started

logger = logging.getLogger("ops.task")

# Task id -> when it started in this process (a monotonic clock, so a wall-clock jump cannot skew it).
_started: dict[str, float] = {}
_lock = threading.Lock()


def _started_task(sender, task_result, **kwargs):
    with _lock:
        _started[task_result.id] = time.perf_counter()


def _finished_task(sender, task_result, **kwargs):
    with _lock:
        began = _started.pop(task_result.id, None)
    if began is not None:
        duration_ms = round((time.perf_counter() - began) * 1000, 1)
    elif task_result.started_at and task_result.finished_at:
        duration_ms = round((task_result.finished_at - task_result.started_at).total_seconds() * 1000, 1)
    else:
        duration_ms = None
    status = getattr(task_result.status, "value", str(task_result.status))
    name = task_result.task.module_path
    failed = status == "FAILED"
    logger.log(
        logging.WARNING if failed else logging.INFO,
        "task %s %s %s %s ms",
        name,
        task_result.id,
        status,
        "?" if duration_ms is None else f"{duration_ms:.1f}",
        extra={
            "event": "task",
            "task": name,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": duration_ms,
            "attempt": len(task_result.worker_ids) or None,
        },
    )


def connect():
    task_started.connect(_started_task, dispatch_uid="ops.tasks.started")
    task_finished.connect(_finished_task, dispatch_uid="ops.tasks.finished")
