"""Core tables: when each periodic job is next due (rapport.core.schedule)."""

from django.db import models


class PeriodicJob(models.Model):
    """One row per registered periodic job; claiming it is a conditional UPDATE, so any
    number of worker processes queue each run exactly once."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
