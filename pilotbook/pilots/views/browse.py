"""Browsing and filtering the pilots a person may see."""

from django.core.paginator import Paginator
from django.shortcuts import render

from pilotbook.pilots import presenters
from pilotbook.pilots.forms import PilotFilterForm
from pilotbook.pilots.models import Pilot
from pilotbook.web.open_data import LICENCE_NAME, LICENCE_URL

PAGE_SIZE = 20


def pilot_list(request):
    form = PilotFilterForm(request.GET or None, user=request.user)
    pilots = (Pilot.objects.visible_to(request.user).select_related("council", "result")
              .prefetch_related("joint_councils").order_by("-updated_at"))
    if form.is_bound and form.is_valid():
        pilots = form.filter(pilots, request.user)
    page = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in [name for name in query if name not in form.fields]:  # the page number, and any stray parameter
        del query[name]  # the exports refuse a parameter that is not a filter, so the links carry only filters
    return render(request, "pilots/list.html", {
        "form": form, "error_forms": [form] if form.is_bound else [], "page": page,
        "rows": [presenters.pilot_row(pilot, request.user) for pilot in page], "query": query.urlencode(),
        "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL,
    })
