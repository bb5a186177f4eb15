"""The list of councils with how many pilots each has that you may see, and a council's page listing them. They
combine councils and pilots, so they live above both (ADR 0017); their URLs are the councils' own."""

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from pilotbook.councils import access
from pilotbook.councils.forms import CouncilFilterForm
from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.presenters import status_tag_class


def council_list(request):
    nations = Council.objects.order_by("nation").values_list("nation", flat=True).distinct()
    form = CouncilFilterForm(request.GET or None, nations=nations)
    councils = Council.objects.all()
    include_former = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        include_former = data["include_former"]
        if data["q"]:
            councils = councils.filter(
                Q(name__icontains=data["q"]) | Q(official_name__icontains=data["q"]) | Q(code__iexact=data["q"])
            )
        if data["nation"]:
            councils = councils.filter(nation=data["nation"])
    if not include_former:
        councils = councils.filter(end_date__isnull=True)
    visible = Pilot.objects.visible_to(request.user).identifiable_by(request.user).values("pk")
    # Its own pilots and the case studies it ran together with other councils (a pilot is never both).
    own = (Pilot.objects.filter(pk__in=visible, council=OuterRef("pk")).order_by().values("council")
           .annotate(n=Count("pk")).values("n"))
    joint = (Pilot.joint_councils.through.objects.filter(pilot__in=visible, council=OuterRef("pk")).order_by()
             .values("council").annotate(n=Count("pk")).values("n"))
    councils = councils.annotate(pilot_count=Coalesce(Subquery(own), 0) + Coalesce(Subquery(joint), 0)).order_by(
        "name")
    page = Paginator(councils, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "site/council_list.html",
                  {"form": form, "error_forms": [form], "page": page, "query": query.urlencode()})


def _ran_with(pilot: Pilot, council: Council) -> list[str]:
    """Who else ran a case study this council ran with other councils or an organisation."""
    others = [other.name for other in pilot.all_councils() if other.pk != council.pk]
    return [*others, pilot.organisation_text] if pilot.organisation else others


def council_detail(request, code: str):
    council = get_object_or_404(Council, pk=code.upper())
    pilots = (Pilot.objects.visible_to(request.user).identifiable_by(request.user)
              .of_councils(Council.objects.filter(pk=council.pk)))
    pilots = pilots.select_related("council", "result").prefetch_related("joint_councils")
    is_member = access.is_member(request.user, council)
    return render(request, "site/council_detail.html", {
        "council": council,
        "pilots": [{"pilot": p, "status_tag": status_tag_class(p.status),
                    "others": _ran_with(p, council),
                    "verdict": p.result.get_verdict_display() if hasattr(p, "result") and p.result_shown_to(
                        request.user) else ""} for p in pilots],
        "is_member": is_member,
        "successors": council.successors.all(),
        "predecessors": council.predecessors.all(),
    })
