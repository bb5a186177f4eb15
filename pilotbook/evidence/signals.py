"""Receivers that keep the search index in step with pilots (pilotbook.evidence.index does the work).

Receivers rather than calls in pilotbook.pilots.services, so that every path that saves a pilot or its result
(the lifecycle services, the admin, imports) updates search within the same transaction.
"""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot, Result

from . import facetcells
from .index import search_index_pilot, search_unindex
from .models import SearchDocument


@receiver(post_save, sender=Pilot, dispatch_uid="evidence-index-pilot")
def _pilot_saved(sender, instance: Pilot, raw=False, **kwargs):
    if not raw:
        search_index_pilot(pilot=instance)


@receiver(post_save, sender=Result, dispatch_uid="evidence-index-result")
def _result_saved(sender, instance: Result, raw=False, **kwargs):
    if not raw:
        search_index_pilot(pilot=instance.pilot)


@receiver(m2m_changed, sender=Pilot.joint_councils.through, dispatch_uid="evidence-index-joint-councils")
def _joint_councils_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    """The councils a case study names are searched, so a change to them (import, the admin) re-indexes it."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            search_index_pilot(pilot=instance)
        return
    if action == "pre_clear":  # from a council's side: which pilots lose it is known only before
        instance._pilotbook_cleared_pilots = list(instance.joint_pilots.values_list("pk", flat=True))
        return
    if action in ("post_add", "post_remove", "post_clear"):
        ids = pk_set if action != "post_clear" else getattr(instance, "_pilotbook_cleared_pilots", [])
        for pilot in Pilot.objects.filter(pk__in=ids or []):
            search_index_pilot(pilot=pilot)


@receiver(pre_delete, sender=SearchDocument, dispatch_uid="evidence-unindex")
def _document_deleted(sender, instance: SearchDocument, **kwargs):
    search_unindex(document=instance)


@receiver(post_save, sender=Council, dispatch_uid="evidence-facet-cells-council")
def _council_saved(sender, instance: Council, raw=False, created=False, **kwargs):
    """A council's nation or type is one of its pilots' facet values (facetcells)."""
    if not raw and not created:
        facetcells.refresh_council(instance.pk)
