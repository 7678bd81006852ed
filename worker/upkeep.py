from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def prune_task_results():
    """Finished task rows older than the retention, and rows of tasks whose worker died running them.

    Queued tasks stay. Work that must survive a dying worker (webhook
    deliveries, scheduled publishing) keeps its own state and is picked up
    again by a periodic job, not by re-running a task row.
    """
    cutoff = timezone.now() - timedelta(days=settings.WORKER["TASK_RESULTS_RETENTION_DAYS"])
    DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).delete()
