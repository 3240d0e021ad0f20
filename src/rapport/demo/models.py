"""One row per demo data set that has been loaded: makes loading idempotent."""

from django.db import models


class DemoDataset(models.Model):
    name = models.CharField(max_length=64, unique=True)
    version = models.PositiveSmallIntegerField()
    seed = models.IntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
