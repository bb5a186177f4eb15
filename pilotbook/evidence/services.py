"""Writes to pooled groups, each in one transaction: making a group (its address made unique by the database, not by
looking first), changing it, and adding and removing its pilots. Only moderators reach these (pooled_views)."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from pilotbook.councils.models import User

from .models import PooledGroup, PooledMembership

SLUG_LENGTH = 70  # of the title's part, leaving room for "-2", "-3"... within the field's 80
SLUG_ATTEMPTS = 5  # clashes with groups made at the same moment before giving up (each retry looks again)


class AlreadyInGroup(Exception):
    """The pilot is in the group already (perhaps added by another moderator a moment ago)."""


def slug_base(title: str) -> str:
    base = slugify(title)[:SLUG_LENGTH] or "group"
    return f"{base}-group" if base in PooledGroup.RESERVED_SLUGS else base


def _free_slug(base: str) -> str:
    """The first of base, base-2, base-3... that no group has now. Another moderator may take it before this
    group is saved; group_create then looks again."""
    taken = set(PooledGroup.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(slug for slug in (base if n == 1 else f"{base}-{n}" for n in count(1)) if slug not in taken)


@transaction.atomic
def group_create(*, created_by: User, title: str, **fields: Any) -> PooledGroup:
    """A new group, its address made from its title. The slug's unique constraint decides between two groups of the
    same title made at once: the one that loses the race takes the next free number."""
    base = slug_base(title)
    for _attempt in range(SLUG_ATTEMPTS):
        group = PooledGroup(created_by=created_by, title=title, slug=_free_slug(base), **fields)
        try:
            with transaction.atomic():
                group.save(force_insert=True)
        except IntegrityError:
            if not PooledGroup.objects.filter(slug=group.slug).exists():
                raise  # not the slug: let it be seen
            continue
        return group
    raise IntegrityError(f"No free address for a group called {title!r} after {SLUG_ATTEMPTS} tries")


@transaction.atomic
def group_update(*, group: PooledGroup, **fields: Any) -> PooledGroup:
    """Change a group's title, description or outcome; its address stays the same."""
    for name, value in fields.items():
        setattr(group, name, value)
    group.save(update_fields=[*fields, "updated_at"])
    return group


def membership_add(*, group: PooledGroup, pilot_id: int, added_by: User, note: str = "") -> PooledMembership:
    try:
        with transaction.atomic():
            return PooledMembership.objects.create(group=group, pilot_id=pilot_id, added_by=added_by, note=note)
    except IntegrityError:
        raise AlreadyInGroup from None


@transaction.atomic
def membership_remove(*, group: PooledGroup, pilot_id: int) -> None:
    PooledMembership.objects.filter(group=group, pilot_id=pilot_id).delete()
