"""Atom feeds of new results: all, per service area, per council.

Feeds are public and cached by readers, so they hold only what an anonymous visitor may see: public pilots whose
results are released (Pilot.objects.visible_to(AnonymousUser()).results_released()). A council's feed never lists
pilots it published with its name withheld, or the feed would reveal the name; it lists the case studies the council
ran together with others. An entry names who ran it: its councils, or the organisation when no council did.

Every id and link is on the site's configured address (PILOTBOOK_SITE_URL), never on the Host header a request came
with (Django's feeds would otherwise use it), so an entry keeps its id however the feed was fetched. Summaries are
plain text and say so (type="text"): a lesson that mentions <b> is shown as written, not read as HTML.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from pilotbook.councils.models import Council
from pilotbook.pilots.choices import ServiceArea, Verdict
from pilotbook.pilots.models import Pilot

from .records import LICENCE_LINE, base_url

FEED_SIZE = 50


def _tag(path: str) -> str:
    """An Atom id that never changes: a tag URI (RFC 4151) on the site's own host name."""
    host = urlsplit(settings.PILOTBOOK_SITE_URL).hostname or "pilotbook.invalid"
    return f"tag:{host},2026:{path.strip('/')}"


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are declared as the plain text they are (Django declares them type="html")."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def released_public_pilots():
    return (Pilot.objects.visible_to(AnonymousUser()).results_released()
            .select_related("council", "result").prefetch_related("joint_councils").order_by("-published_at", "-pk"))


class NewResultsFeed(Feed):
    feed_type = PlainTextAtomFeed
    feed_copyright = LICENCE_LINE

    def feed_path(self, obj=None) -> str:
        return reverse("feed-results")

    def feed_url(self, obj=None):
        return base_url() + self.feed_path(obj)

    def feed_guid(self, obj=None):
        return _tag(self.feed_path(obj))

    def title(self, obj=None):
        return "Pilotbook: new results"

    def subtitle(self, obj=None):
        return ("Published pilot results from UK councils, including those that did not work, and case studies from "
                "their sources.")

    def link(self, obj=None):
        return base_url() + reverse("evidence-search")

    def pilots(self, obj):
        return released_public_pilots()

    def items(self, obj=None):
        return self.pilots(obj)[:FEED_SIZE]

    def item_title(self, item: Pilot):
        result = getattr(item, "result", None)
        verdict = Verdict(result.verdict).label if result else "Result published"
        return f"{item.title}: {verdict}"

    def item_description(self, item: Pilot):
        anonymous = AnonymousUser()
        shown = item.council_shown_to(anonymous)
        who = item.ran_by() if shown else "A council (name withheld)"
        parts = [f"{who}." + (f" {item.year}." if item.year else "")
                 + (f" {item.get_service_area_display()}." if item.service_area else "")]
        result = getattr(item, "result", None)
        if result and result.verdict == Verdict.NOT_REPORTED:
            parts.append(f"Outcome not reported by the source. {result.summary}".strip())
        elif result and result.is_reported:
            parts.append(f"Verdict as reported by its source, not checked by Pilotbook. {result.summary}".strip())
        if result and result.stopped_early:
            parts.append("Stopped early, as its source reported.")
        if result and result.has_interval:
            parts.append(f"Effect {result.estimate.normalize():f} {item.outcome_unit} "
                         f"(95% CI {result.ci_low.normalize():f} to {result.ci_high.normalize():f}) "
                         f"on {item.outcome_name.lower() or 'the primary outcome'}.")
        if item.lessons_happened:
            parts.append(item.lessons_happened)
        elif item.is_case_study and not item.lessons:
            parts.append("Lessons not recorded by the source.")
        if item.is_case_study and shown:  # where it came from, and the attribution its text may need
            source = " ".join(filter(None, (item.source_name, item.source_url, *item.further_sources)))
            parts.append(f"Source: {source}." if source else "Source not recorded.")
            if item.source_licence:
                parts.append(f"Licence or attribution: {item.source_licence}.")
        return " ".join(parts)

    def item_link(self, item: Pilot):
        return base_url() + item.get_absolute_url()

    def item_guid(self, item: Pilot):
        return _tag(f"pilots/{item.pk}/result")

    item_guid_is_permalink = False

    def item_pubdate(self, item: Pilot):
        return item.published_at

    def item_updateddate(self, item: Pilot):
        return item.published_at

    def item_author_name(self, item: Pilot):
        return item.ran_by() if item.council_shown_to(AnonymousUser()) else "Name withheld"

    def item_categories(self, item: Pilot):
        return [c for c in (item.service_area, item.intervention_type) if c]


class ServiceAreaResultsFeed(NewResultsFeed):
    def get_object(self, request, code: str):
        if code not in ServiceArea.values:
            raise Http404("No such service area.")
        return ServiceArea(code)

    def title(self, obj=None):
        return f"Pilotbook: new results in {obj.label.lower()}"

    def feed_path(self, obj=None) -> str:
        return reverse("feed-results-service-area", args=[obj.value])

    def link(self, obj=None):
        return base_url() + reverse("pilot-list") + f"?service_area={obj.value}"

    def pilots(self, obj):
        return released_public_pilots().filter(service_area=obj.value)


class CouncilResultsFeed(NewResultsFeed):
    def get_object(self, request, code: str):
        return get_object_or_404(Council, code=code.upper())

    def title(self, obj=None):
        return f"Pilotbook: new results from {obj.name}"

    def feed_path(self, obj=None) -> str:
        return reverse("feed-results-council", args=[obj.code])

    def link(self, obj=None):
        return base_url() + obj.get_absolute_url()

    def pilots(self, obj):
        # identifiable_by(anonymous) drops pilots published with the council's name withheld.
        return released_public_pilots().identifiable_by(AnonymousUser()).of_councils(Council.objects.filter(pk=obj.pk))
