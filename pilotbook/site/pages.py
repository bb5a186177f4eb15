"""The home page (counts of pilots by status, the latest results), the about page and the accessibility statement."""

from django.db.models import Count
from django.shortcuts import render

from pilotbook.councils.models import Council
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.presenters import verdict_tag_class


def home(request):
    visible = Pilot.objects.visible_to(request.user)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
    recent = (visible.results_released().select_related("council", "result").prefetch_related("joint_councils")
              .order_by("-published_at")[:5])
    return render(request, "site/home.html", {
        "counts": counts,
        "total": sum(counts.values()),
        "councils_taking_part": visible.council_count(request.user),
        "recent": [{"pilot": p, "verdict_tag": verdict_tag_class(p.result.verdict) if hasattr(p, "result") else ""}
                   for p in recent],
        "Status": Status,
    })


def about(request):
    return render(request, "site/about.html", {"council_count": Council.objects.count()})


def accessibility(request):
    return render(request, "site/accessibility.html")
