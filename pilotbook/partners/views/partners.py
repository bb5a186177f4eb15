"""One partner: its page, adding and changing it, and a council adding a sector of its own."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pilotbook.partners import placement, presenters, services
from pilotbook.partners.access import changeable_council, changeable_partner, readable_partner
from pilotbook.partners.forms import PartnerForm, SectorForm


def partner_detail(request, code: str, pk: int):
    partner = readable_partner(request, code, pk)
    partnerships = partner.partnerships.select_related("owner").prefetch_related("pilots__result")
    locations = list(partner.locations.all())
    outside = placement.outside_area(partner.council, [(loc.latitude, loc.longitude) for loc in locations])
    return render(request, "partners/partner_detail.html", {
        "partner": partner, "council": partner.council, "symbol": presenters.sector_symbol(partner.sector),
        "locations": locations, "touchpoints": partner.touchpoints.all(),
        "location_warnings": [placement.location_warning(partner.council, loc.latitude, loc.longitude)
                              for loc, out in zip(locations, outside or [False] * len(locations), strict=True)
                              if out],
        "partnerships": [{"p": p, "tag": presenters.stage_tag_class(p.stage)} for p in partnerships],
        "can_change": partner.can_change(request.user),
    })


def partner_create(request, code: str):
    council = changeable_council(request, code)
    form = PartnerForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        partner = services.partner_save(council=council, **form.service_arguments())
        messages.success(request, _("%(name)s added to the partner map.") % {"name": partner.name})
        _check_location(request, partner)
        return redirect(partner)
    return render(request, "partners/form_page.html", {
        "council": council, "form": form, "error_forms": [form], "title": _("Add a partner"),
        "lede": _("An organisation whose staff meet residents. Record what the organisation does, never "
                  "anything about individual residents."),
        "button": _("Add the partner"), "back": council.code})


def partner_edit(request, code: str, pk: int):
    partner = changeable_partner(request, code, pk)
    form = PartnerForm(request.POST or None, instance=partner, council=partner.council)
    if request.method == "POST" and form.is_valid():
        services.partner_save(council=partner.council, partner=partner, **form.service_arguments())
        messages.success(request, _("Partner updated."))
        _check_location(request, partner)
        return redirect(partner)
    location = partner.locations.first()
    return render(request, "partners/form_page.html", {
        "council": partner.council, "form": form, "error_forms": [form], "title": _("Change %(name)s") % {
            "name": partner.name}, "lede": "", "button": _("Save"), "back": partner.council.code,
        "warning": placement.location_warning(partner.council, location.latitude, location.longitude)
        if location and not form.is_bound else ""})


def _check_location(request, partner) -> None:
    """Saved whatever the answer; the warning says what looks wrong (pilotbook.partners.placement)."""
    location = partner.locations.first()
    if location is None:
        return
    if not placement.area_checked(partner.council):
        messages.info(request, _("Pilotbook has no boundary for %(council)s, so it could not check that the "
                                 "location is in its area.") % {"council": partner.council.name})
        return
    warning = placement.location_warning(partner.council, location.latitude, location.longitude)
    if warning:
        messages.warning(request, warning)


def sector_create(request, code: str):
    council = changeable_council(request, code)
    form = SectorForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        sector = services.sector_create(council=council, **form.cleaned_data)
        messages.success(request, _("Sector %(name)s added for %(council)s.") % {
            "name": sector.name, "council": council})
        return redirect("partner-map", code=council.code)
    return render(request, "partners/form_page.html", {
        "council": council, "form": form, "error_forms": [form], "title": _("Add a sector"),
        "lede": _("Pilotbook keeps a shared list of sectors. Add one that your area needs and the list lacks."),
        "button": _("Add the sector"), "back": council.code})
