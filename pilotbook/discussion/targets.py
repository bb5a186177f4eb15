"""What can carry a discussion thread, and the rules for each kind of target.

Each target model is registered with an adapter that says who may see it, whether it is open for discussion,
who its own team is (their replies are marked "Answer from the pilot's team") and which follows it matches.
Pilots are registered here; pooled groups and materials are registered with `register()` by pilotbook.site,
which knows both features (discussion, evidence and materials are independent of each other, ADR 0017).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from pilotbook.pilots.access import fetched_as_visible_to
from pilotbook.pilots.choices import Status, Visibility
from pilotbook.pilots.models import Pilot


@dataclass(frozen=True)
class TargetType(ABC):
    """The rules for one kind of target; each kind implements the three abstract methods."""

    slug: str
    model: type
    team_label: str  # "the pilot's team"

    @abstractmethod
    def visible(self, user):
        """The queryset of targets this person may read."""

    @abstractmethod
    def is_open(self, target) -> bool:
        """Whether the target takes comments at all (e.g. only published pilots)."""

    @abstractmethod
    def team_council_id(self, target) -> str | None:
        """The council whose members are the target's own team."""

    def follow_keys(self, target) -> list[tuple[str, str]]:
        """(subject, value) pairs of Follow rows that match activity on this target."""
        return []

    def title(self, target) -> str:
        return str(target)

    def pilot_of(self, target) -> Pilot | None:
        """The pilot whose sharing choices (such as a withheld council name) apply to the target, if any."""
        return None

    def may_see(self, user, target) -> bool:
        return self.visible(user).filter(pk=target.pk).exists()


class PilotTarget(TargetType):
    def visible(self, user):
        return Pilot.objects.visible_to(user)

    def is_open(self, target) -> bool:
        # Drafts are never discussed; a pilot is talked about once its result is published.
        return target.status == Status.PUBLISHED

    def team_council_id(self, target) -> str | None:
        return target.council_id

    def pilot_of(self, target) -> Pilot | None:
        return target

    def may_see(self, user, target) -> bool:
        # The pilot's page fetched it through visible_to for this person already: no need to ask again.
        return fetched_as_visible_to(target, user) or super().may_see(user, target)

    def follow_keys(self, target) -> list[tuple[str, str]]:
        keys = [("pilot", str(target.pk))]
        if target.service_area:
            keys.append(("service_area", target.service_area))
        if target.intervention_type:
            keys.append(("intervention_type", target.intervention_type))
        # A council that withheld its name is not revealed to those following it (its own members are the
        # pilot's team and hear anyway).
        # A case study several councils ran is followed through each of them; one an organisation ran, through none.
        if target.visibility != Visibility.PUBLIC_ANONYMOUS:
            keys += [("council", council.pk) for council in target.all_councils()]
        return keys


_REGISTRY: dict[str, TargetType] = {}


def register(target_type: TargetType) -> None:
    _REGISTRY[target_type.slug] = target_type


register(PilotTarget(slug="pilot", model=Pilot, team_label=_("the pilot's team")))


def by_slug(slug: str) -> TargetType:
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise Http404 from None


def for_object(target) -> TargetType:
    for target_type in _REGISTRY.values():
        if isinstance(target, target_type.model):
            return target_type
    raise LookupError(f"{type(target).__name__} is not registered as a discussion target")


def for_content_type(content_type: ContentType) -> TargetType:
    model = content_type.model_class()
    for target_type in _REGISTRY.values():
        if target_type.model is model:
            return target_type
    raise LookupError(f"{model} is not registered as a discussion target")


def user_may_see(user, target) -> bool:
    return for_object(target).may_see(user, target)
