"""`manage.py worker`: runs queued tasks and the periodic jobs (docs/worker.md).

django-tasks-db's `db_worker` with a shorter poll interval and a beat
thread for the periodic jobs. Run as many as you like, on as many machines
as you like, against the same database.
"""

import os

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from worker.liveness import Heartbeat
from worker.periodic import Beat


class Command(db_worker.Command):
    help = "Run background tasks (webhook deliveries, search indexing, ...) and the periodic jobs"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(interval=settings.WORKER["POLL_INTERVAL"])
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Only run queued tasks; leave periodic jobs (scheduled publishing, retries) to other workers",
        )

    def configure_logging(self, verbosity):
        # db_worker logs every task at INFO; the project's LOGGING keeps that for -v 2 and shows problems only.
        if verbosity > 1:
            super().configure_logging(verbosity)

    def handle(self, *args, periodic=True, **options):
        reloading = options["reload"] and not options["batch"]
        # With autoreload the parent process only watches files; the child does the work.
        working = not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        heartbeat = Heartbeat(options["worker_id"]) if working else None
        if heartbeat:
            heartbeat.start()
        if periodic and not options["batch"] and working:
            Beat().start()
        if options["verbosity"] and working:
            jobs = ", ".join(settings.WORKER["PERIODIC_JOBS"]) if periodic else "none"
            self.stdout.write(f"Worker started (poll every {options['interval']:g} s; periodic jobs: {jobs})")
        try:
            return super().handle(*args, **options)
        finally:
            if heartbeat:
                heartbeat.stop()
