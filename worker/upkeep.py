from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def prune_task_results():
    """Finished task rows older than the retention, and rows marked running for longer than that.

    Queued tasks stay. A task whose worker died is queued again long before
    this (`worker.liveness.reclaim`); a row still running after days belongs
    to a worker stuck for good, and nothing of it is worth keeping.
    """
    cutoff = timezone.now() - timedelta(days=settings.WORKER["TASK_RESULTS_RETENTION_DAYS"])
    DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).delete()
