"""Collaboration champions: a page per council and a directory across councils."""

from django.core.paginator import Paginator
from django.shortcuts import render

from pilotbook.partners import presenters, selectors
from pilotbook.partners.access import readable_council
from pilotbook.partners.forms import DirectoryForm
from pilotbook.web.access import require_sign_in


def council_champions(request, code: str):
    council = readable_council(request, code)
    return render(request, "partners/champions.html", {
        "council": council, "champions": selectors.council_champions(council),
        "stage_tag": presenters.STAGE_TAG,
    })


def champions_directory(request):
    require_sign_in(request)
    form = DirectoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    partnerships = selectors.champions_directory(sector_slug=filters.get("sector", ""),
                                                 topic=filters.get("topic", ""))
    page = Paginator(partnerships, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "partners/directory.html", {
        "form": form, "error_forms": [form] if form.is_bound else [], "page": page, "query": query.urlencode(),
        "rows": [{"p": p, "tag": presenters.stage_tag_class(p.stage),
                  "review": getattr(p, "review", None)} for p in page],
        "champions": selectors.champion_memberships(), "searched": bool(filters.get("sector") or filters.get("topic")),
    })
