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
    last_started_at = models.DateTimeField("sist startet", null=True, blank=True)
    last_finished_at = models.DateTimeField("sist ferdig", null=True, blank=True)
    last_error = models.TextField("siste feil", blank=True)

    class Meta:
        verbose_name = "periodisk jobb"
        verbose_name_plural = "periodiske jobber"

    def __str__(self) -> str:
        return self.name
