"""Reads of pooled groups for their pages."""

from __future__ import annotations

from pilotbook.pilots.choices import Verdict
from pilotbook.pilots.models import Pilot

from . import pooling
from .models import PooledGroup


def group_rows(user) -> list[dict]:
    """Every pooled group with its meta-analysis as `user` may see it, and how many of its pilots could be pooled."""
    rows = []
    for group in PooledGroup.objects.all():
        result = pooling.analyse_group(group, user)
        rows.append({"group": group, "result": result, "usable": len(result.usable)})
    return rows


def pilots_addable_to(group: PooledGroup):
    """The released pilots a moderator may add to `group`, by title: not in it yet, of its kind of change and
    service area where it names them. A case study whose source reported no outcome has nothing to pool, so it is
    not offered."""
    pilots = (Pilot.objects.results_released().exclude(pooled_memberships__group=group)
              .exclude(result__verdict=Verdict.NOT_REPORTED).select_related("council")
              .prefetch_related("joint_councils"))
    if group.intervention_type:
        pilots = pilots.filter(intervention_type=group.intervention_type)
    if group.service_area:
        pilots = pilots.filter(service_area=group.service_area)
    return pilots.order_by("title")


def group_memberships(group: PooledGroup):
    """A group's pilots, with who added each, for the moderators' page that chooses them."""
    return (group.memberships.select_related("pilot", "pilot__council", "added_by")
            .prefetch_related("pilot__joint_councils"))
