"""Scheduled go-live and expiry, run by the worker (`WORKER["PERIODIC_JOBS"]`), not by cron.

Wagtail's own `publish_scheduled` logic, for pages and every DraftStateMixin
snippet (contact people): expired objects are unpublished, revisions whose
go-live time has passed are published. Both go through Wagtail's publish and
unpublish actions, so the content version, the search index and webhooks
follow as they do for an editor's click.

Each object's change is one transaction (Wagtail's actions are several): a
worker killed half-way through one leaves it as it was, and the run that
takes over (`worker.liveness`) does it whole, once. What is done stays done:
a published revision loses its go-live time, an unpublished object is no
longer live, so a second run finds nothing more to do for them.
"""

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision


def _models():
    return [Page] + [
        model for model in apps.get_models() if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]


def publish_scheduled():
    for model in _models():
        for pk in list(model.objects.filter(live=True, expire_at__lt=timezone.now()).values_list("pk", flat=True)):
            with transaction.atomic():
                # Locked and read again: another run may have unpublished it meanwhile.
                obj = model.objects.select_for_update().filter(pk=pk, live=True, expire_at__lt=timezone.now()).first()
                if obj is not None:
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by("approved_go_live_at")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            revision = (
                Revision.objects.select_for_update().filter(pk=pk, approved_go_live_at__lt=timezone.now()).first()
            )
            if revision is not None:
                # Its go-live time has passed, so publishing makes the object live now.
                revision.publish(log_action="wagtail.publish.scheduled")
