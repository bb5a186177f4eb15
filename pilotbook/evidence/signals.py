"""Receivers that keep the search index in step with pilots (pilotbook.evidence.index does the work).

Receivers rather than calls in pilotbook.pilots.services, so that every path that saves a pilot or its result
(the lifecycle services, the admin, imports) updates search within the same transaction.
"""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from pilotbook.pilots.models import Pilot, Result

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


@receiver(pre_delete, sender=SearchDocument, dispatch_uid="evidence-unindex")
def _document_deleted(sender, instance: SearchDocument, **kwargs):
    search_unindex(document=instance)
