"""The one table the web layer keeps: the data version (pilotbook.web.versions)."""

from django.db import models


class DataChange(models.Model):
    """A change to the data that cached pages show; the newest row's token is the data version."""

    token = models.CharField(max_length=16)
    public = models.BooleanField(default=True, help_text="Whether it can change what people signed out see")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["public", "id"], name="data_change_public")]

    def __str__(self) -> str:
        return f"Data change {self.pk} ({self.token})"
