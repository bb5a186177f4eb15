"""Shared-service and commissioning arrangements, and the comparison across councils by model."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pilotbook.partners import presenters, selectors, services
from pilotbook.partners.access import changeable_arrangement, changeable_council
from pilotbook.partners.forms import ArrangementForm
from pilotbook.partners.models import Arrangement
from pilotbook.web.access import require_sign_in


def arrangement_comparison(request):
    require_sign_in(request)
    summaries = selectors.arrangement_comparison()
    arrangements = Arrangement.objects.select_related("council").prefetch_related("councils").order_by(
        "model", "service")
    return render(request, "partners/arrangements.html", {
        "summaries": [{"s": s, "predicted": presenters.money(s.predicted if s.compared else None),
                       "realised": presenters.money(s.realised if s.compared else None),
                       "realised_share": presenters.share(s.realised_share),
                       "baseline_share": presenters.share(s.baseline_share)} for s in summaries],
        "arrangements": [{"a": a, "baseline": presenters.money(a.baseline_cost),
                          "predicted": presenters.money(a.predicted_saving),
                          "realised": presenters.money(a.realised_saving),
                          "can_change": a.can_change(request.user)} for a in arrangements],
        "my_councils": request.user.memberships.select_related("council"),
    })


def arrangement_create(request, code: str):
    council = changeable_council(request, code)
    form = ArrangementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.arrangement_save(council=council, councils=data.pop("councils"), **data)
        messages.success(request, _("Arrangement recorded."))
        return redirect("arrangement-comparison")
    return render(request, "partners/form_page.html", {
        "council": council, "form": form, "error_forms": [form], "title": _("Record a shared service or "
                                                                             "commissioning arrangement"),
        "lede": _("Savings are per year against the baseline. Give the source of each figure (a business case, "
                  "an audited outturn) so others can judge it."), "button": _("Save"), "back": council.code})


def arrangement_edit(request, pk: int):
    arrangement = changeable_arrangement(request, pk)
    form = ArrangementForm(request.POST or None, instance=arrangement)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.arrangement_save(council=arrangement.council, arrangement=arrangement,
                                  councils=data.pop("councils"), **data)
        messages.success(request, _("Arrangement updated."))
        return redirect("arrangement-comparison")
    return render(request, "partners/form_page.html", {
        "council": arrangement.council, "form": form, "error_forms": [form],
        "title": _("Change %(service)s") % {"service": arrangement.service}, "lede": "", "button": _("Save"),
        "back": arrangement.council_id})
