"""When each periodic job was last queued, so several workers never queue the same run twice."""

from django.db import models


class PeriodicRun(models.Model):
    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (last queued {self.last_enqueued_at:%Y-%m-%d %H:%M})"
