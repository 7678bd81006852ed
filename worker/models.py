from django.db import models


class PeriodicJob(models.Model):
    """One row per periodic job (settings.WORKER["PERIODIC_JOBS"]): when it is next due and whether it runs.

    Every worker on every machine looks at the same rows; a conditional UPDATE
    lets exactly one of them take each run, with no lock held while it works.
    """

    name = models.CharField("navn", max_length=100, primary_key=True)
    next_run_at = models.DateTimeField("neste kjøring")
    # Set while a run is under way; a run that dies leaves it to lapse.
    running_until = models.DateTimeField("kjører til", null=True, blank=True)
    # The worker (its id) that holds the lease: when it stops beating, the lease is handed back early.
    run_by = models.CharField("kjøres av", max_length=64, blank=True)
    last_started_at = models.DateTimeField("sist startet", null=True, blank=True)
    last_finished_at = models.DateTimeField("sist ferdig", null=True, blank=True)
    last_error = models.TextField("siste feil", blank=True)

    class Meta:
        verbose_name = "periodisk jobb"
        verbose_name_plural = "periodiske jobber"

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """One row per running worker process, written every `WORKER["HEARTBEAT_INTERVAL"]` seconds (worker.liveness).

    A worker killed outright cannot say so; its row going quiet is how the
    others learn it, and hand back the work it held.
    """

    worker_id = models.CharField("arbeider", max_length=64, primary_key=True)
    host = models.CharField("maskin", max_length=255, blank=True)
    pid = models.PositiveIntegerField("prosess-ID", null=True, blank=True)
    started_at = models.DateTimeField("startet")
    seen_at = models.DateTimeField("sist sett", db_index=True)

    class Meta:
        verbose_name = "arbeiderpuls"
        verbose_name_plural = "arbeiderpulser"

    def __str__(self) -> str:
        return self.worker_id
