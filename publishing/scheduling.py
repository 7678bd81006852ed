"""Scheduled go-live and expiry, run by the worker (`WORKER["PERIODIC_JOBS"]`), not by cron.

Wagtail's own `publish_scheduled` logic, for pages and every DraftStateMixin
snippet (contact people): expired objects are unpublished, revisions whose
go-live time has passed are published. Both go through Wagtail's publish and
unpublish actions, so the content version, the search index and webhooks
follow as they do for an editor's click.
"""

import io

from django.core.management import call_command


def publish_scheduled():
    call_command("publish_scheduled", stdout=io.StringIO())
