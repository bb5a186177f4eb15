"""The partner map with its table, the JSON the map script draws, coverage by resident group, unlikely partners."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from pilotbook.councils import boundaries
from pilotbook.councils.models import Council
from pilotbook.partners import placement, presenters, selectors
from pilotbook.partners.access import readable_council
from pilotbook.partners.forms import PartnerFilterForm, UnlikelyForm
from pilotbook.partners.models import Partner, Sector, can_change_council
from pilotbook.web.access import sign_in_required

PAGE_SIZE = 50


@sign_in_required
def partner_index(request):
    """Your councils' partner maps, and the pages that look across councils."""
    mine = Council.objects.filter(memberships__user=request.user).order_by("name")
    with_partners = Council.objects.filter(partners__isnull=False).distinct().order_by("name")
    return render(request, "partners/index.html", {"mine": mine, "with_partners": with_partners})


def partner_map(request, code: str):
    council = readable_council(request, code)
    form = PartnerFilterForm(request.GET or None, council=council)
    filters = form.filters()
    partners = selectors.filter_partners(
        Partner.objects.filter(council=council).select_related("sector").prefetch_related("touchpoints", "locations"),
        **filters).order_by("name")
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sectors = list(Sector.objects.for_council(council))
    return render(request, "partners/map.html", {
        "council": council, "form": form, "error_forms": [form] if form.is_bound else [], "page": page,
        "query": query.urlencode(), "can_change": can_change_council(request.user, council.code),
        "legend": [{"sector": s, "symbol": presenters.sector_symbol(s)} for s in sectors],
        "data_url": reverse("partner-map-data", args=[council.code]) + (f"?{query.urlencode()}" if query else ""),
        "tile_url": settings.PILOTBOOK_MAP_TILE_URL, "data_notices": selectors.data_notices(partners),
        "outline_url": reverse("council-outline", args=[council.code]) if boundaries.has_outline(council.code) else "",
        "attribution": boundaries.ATTRIBUTION, "problems": placement.location_problems(council),
        "margin_m": int(placement.MARGIN_M),
    })


def partner_map_data(request, code: str):
    """The map's points for the same filters as the table (partners/static/partners/map.mjs draws them)."""
    council = readable_council(request, code)
    form = PartnerFilterForm(request.GET or None, council=council)
    data = selectors.map_data(council, **form.filters())
    for sector in data["sectors"].values():
        sector["icon"] = presenters.marker_svg(sector.pop("shape"), sector.pop("colour"), size=18)
    data["partner_url"] = reverse("partner-detail", args=[council.code, 0]).replace("/0/", "/{id}/")
    return JsonResponse(data, json_dumps_params={"separators": (",", ":")})


def partner_coverage(request, code: str):
    council = readable_council(request, code)
    groups = selectors.coverage(council)
    return render(request, "partners/coverage.html", {
        "council": council, "groups": groups, "gaps": [g for g in groups if g.gap],
    })


def partner_unlikely(request, code: str):
    council = readable_council(request, code)
    form = UnlikelyForm(request.GET or None)
    groups, suggestions = [], []
    if form.is_bound and form.is_valid():
        groups, suggestions = selectors.unlikely_partners(council, form.cleaned_data["goal"], request.user)
    return render(request, "partners/unlikely.html", {
        "council": council, "form": form, "error_forms": [form] if form.is_bound else [], "groups": groups,
        "suggestions": [{"s": s, "symbol": presenters.sector_symbol(s.sector)} for s in suggestions],
        "searched": form.is_bound and form.is_valid(),
        "can_change": can_change_council(request.user, council.code),
    })
