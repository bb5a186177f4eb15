"""Pooled groups and materials as discussion targets. Discussion, evidence and materials are independent features
(ADR 0017), so the adapters that join them live here, above all three: registered with discussion's `register()`
when the site app is ready, and the discussion put under a pooled group's and a material's page through the places
those pages have for it (pilotbook.web.sections)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pilotbook.discussion.presenters import thread_section
from pilotbook.discussion.targets import TargetType, register
from pilotbook.evidence.extensions import pooled_group_page
from pilotbook.evidence.models import PooledGroup
from pilotbook.materials.extensions import material_page
from pilotbook.materials.models import Material
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot


class PooledGroupTarget(TargetType):
    """A pooled group's page: open to every signed-in council member; moderators run groups, so no team."""

    def visible(self, user):
        return PooledGroup.objects.all()

    def is_open(self, target) -> bool:
        return True

    def team_council_id(self, target) -> str | None:
        return None


class MaterialTarget(TargetType):
    """A reusable material: seen with its pilot, discussed once the pilot is published; its council answers."""

    def visible(self, user):
        return Material.objects.visible_to(user)

    def is_open(self, target) -> bool:
        return target.pilot.status == Status.PUBLISHED

    def team_council_id(self, target) -> str | None:
        return target.pilot.council_id

    def pilot_of(self, target) -> Pilot | None:
        return target.pilot


def register_targets() -> None:
    register(PooledGroupTarget(slug="pooled-group", model=PooledGroup, team_label=_("the moderators")))
    register(MaterialTarget(slug="material", model=Material, team_label=_("the pilot's team")))
    pooled_group_page.add("below", "discussion", template="discussion/section.html", context=thread_section)
    material_page.add("below", "discussion", template="discussion/section.html", context=thread_section)
