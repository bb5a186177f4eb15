"""Reusable materials: what a pilot used (letter or text-message wording, a form, a script, a process map),
as sanitised Markdown text or a checked file, and every pilot that used or adapted each item.

Visibility follows the pilots': a material is seen by whoever may see the pilot that attached it
(Pilot.objects.visible_to), and a use by whoever may see the pilot that recorded it. Files are kept in the
database (at most PILOTBOOK_MATERIAL_MAX_BYTES each) and served only through
pilotbook.materials.views.material_download, which checks that access; there is no public media URL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot


class Kind(models.TextChoices):
    LETTER = "letter", _("Letter")
    TEXT_MESSAGE = "text_message", _("Text message or email wording")
    FORM = "form", _("Form")
    SCRIPT = "script", _("Script for calls or visits")
    PROCESS_MAP = "process_map", _("Process map")
    OTHER = "other", _("Something else")


class FileType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    ODT = "odt", "OpenDocument text (ODT)"
    PNG = "png", "PNG image"
    JPEG = "jpeg", "JPEG image"
    TXT = "txt", "Plain text"
    CSV = "csv", "CSV"


CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.ODT: "application/vnd.oasis.opendocument.text",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
    FileType.TXT: "text/plain; charset=utf-8",
    FileType.CSV: "text/csv; charset=utf-8",
}


class MaterialQuerySet(models.QuerySet["Material"]):
    def visible_to(self, user) -> MaterialQuerySet:
        return self.filter(pilot__in=Pilot.objects.visible_to(user))


class Material(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="materials")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="materials",
                              help_text="The pilot that attached it; its visibility decides who sees it")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind of material"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("how it was used"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown; shown sanitised"))
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=10, choices=FileType.choices, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_content = models.BinaryField(null=True, blank=True, editable=False)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(body="") | ~Q(file_name=""),
                                              name="material_has_text_or_file")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("material-detail", args=[self.pk])

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.file_type, "application/octet-stream")


class Relation(models.TextChoices):
    USED = "used", _("Used as it is")
    ADAPTED = "adapted", _("Adapted it")


class MaterialUse(models.Model):
    """A pilot that used or adapted a material; the pilot that attached it has a 'used' row too."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="uses")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="material_uses")
    relation = models.CharField(_("how your pilot used it"), max_length=10, choices=Relation.choices)
    note = models.TextField(_("what you changed"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["material", "created_at"]
        constraints = [models.UniqueConstraint(fields=["material", "pilot"], name="one_use_per_pilot_per_material")]

    def __str__(self) -> str:
        return f"{self.pilot} {self.relation} {self.material}"
