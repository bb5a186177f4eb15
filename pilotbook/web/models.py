"""The one table the web layer keeps: the data version (pilotbook.web.versions)."""

from django.db import models


class DataChange(models.Model):
    """A change to the data that cached pages show; the newest row's token is the data version."""

    token = models.CharField(max_length=16)
    changed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Data change {self.pk} ({self.token})"
