"""Writes for reusable materials; each runs in one transaction."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pilotbook.councils.models import User
from pilotbook.pilots.models import Pilot

from .models import Material, MaterialUse, Relation
from .sanitise import check_file


def max_bytes() -> int:
    """The largest material file accepted: the PILOTBOOK_MATERIAL_MAX_BYTES setting (5 MB unless set)."""
    return settings.PILOTBOOK_MATERIAL_MAX_BYTES


@transaction.atomic
def material_add(*, pilot: Pilot, user: User, title: str, kind: str, description: str = "", body: str = "",
                 file_name: str = "", file_data: bytes | None = None) -> Material:
    """Attach a material to a pilot. Only the pilot's council may; the file is checked by its content."""
    if not pilot.can_change(user):
        raise PermissionDenied(_("Only the council that ran the pilot can add its materials."))
    assert pilot.council_id is not None  # can_change: only members of the pilot's council, so it has one
    material = Material(council_id=pilot.council_id, pilot=pilot, title=title.strip(), kind=kind,
                        description=description.strip(), body=body.strip(), created_by=user)
    if file_data is not None:
        material.file_type = check_file(file_name, file_data, max_bytes())
        material.file_name = file_name.replace("/", "_").replace("\\", "_")[-255:]
        material.file_size = len(file_data)
        material.file_content = file_data
        material.file_sha256 = hashlib.sha256(file_data).hexdigest()
    if not material.body and not material.file_name:
        raise ValidationError(_("Enter the text of the material, or choose a file"))
    material.full_clean(exclude=["file_content"])
    material.save()
    MaterialUse.objects.create(material=material, pilot=pilot, relation=Relation.USED, recorded_by=user)
    return material


@transaction.atomic
def material_record_use(*, material: Material, pilot: Pilot, user: User, relation: str, note: str = "") -> MaterialUse:
    """Record that a pilot used or adapted a material; the person must be able to change that pilot and see
    the material. Recording again updates the earlier record."""
    if not pilot.can_change(user):
        raise PermissionDenied(_("Only the council that runs the pilot can say what it used."))
    if not Material.objects.visible_to(user).filter(pk=material.pk).exists():
        raise PermissionDenied
    if relation not in Relation.values:
        raise ValidationError(_("Choose whether you used it as it is or adapted it"))
    use, _created = MaterialUse.objects.update_or_create(
        material=material, pilot=pilot,
        defaults={"relation": relation, "note": note.strip(), "recorded_by": user})
    return use
