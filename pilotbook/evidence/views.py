"""The shared evidence base: search with facets, "before you start", and the "what didn't work" register.

Every page starts from Pilot.objects.visible_to(user).results_released(): only published results whose embargo
has passed, that this person may see. Filtering by nation or council type also applies identifiable_by(user), so
a council whose name is withheld cannot be found out by narrowing the facets. A case study several councils ran is
counted, and found, under each council's nation and type; one whose source reported no outcome is counted apart
from the verdicts.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilotbook.api.records import LICENCE_NAME, LICENCE_URL
from pilotbook.councils.models import Council, nation_values
from pilotbook.pilots import presenters
from pilotbook.pilots.choices import Design, FailureReason, InterventionType, ServiceArea, Status, Verdict
from pilotbook.pilots.countries import countries, country_name
from pilotbook.pilots.models import Pilot, own_council_id
from pilotbook.web import pagecache
from pilotbook.web.forms import GovukFormMixin, LinkParametersMixin

from .search import MAX_QUERY_LENGTH, QUERY_TOO_LONG, search_pilots
from .suggestions import suggestions_for_idea

PAGE_SIZE = 20
FACETS = {
    "service_area": ("service_area", ServiceArea, gettext_lazy("Service area")),
    "intervention_type": ("intervention_type", InterventionType, gettext_lazy("Type of change")),
    "verdict": ("result__verdict", Verdict, gettext_lazy("Verdict")),
    "design": ("design", Design, gettext_lazy("Design")),
    "nation": ("nation", None, gettext_lazy("Nation")),
    "council_type": ("authority_type_name", None, gettext_lazy("Council type")),
    "organisation": ("organisation", None, gettext_lazy("Organisation")),
    "country": ("country", None, gettext_lazy("Country")),
    "year": ("published_at__year", None, gettext_lazy("Year published")),
}
# Facets on the councils that ran a pilot (the field is the council's): a case study several ran is under each.
COUNCIL_FACETS = {"nation", "council_type"}
# Facets that could narrow down a withheld council's name (an organisation named beside a council could).
IDENTIFYING = {"nation", "council_type", "organisation", "country"}
NOT_REPORTED_LABEL = gettext_lazy("Outcome not reported")
DISMISSED = "pilotbook_dismissed_suggestions"


def released(user):
    return (Pilot.objects.visible_to(user).results_released().select_related("council", "result")
            .prefetch_related("joint_councils"))


def _council_types():
    return [(t, t) for t in Council.objects.order_by().values_list("authority_type_name", flat=True).distinct()]


def _organisations():
    return [(o, o) for o in Pilot.objects.exclude(organisation="").order_by().values_list("organisation", flat=True)
            .distinct()]


def _countries():
    return list(countries().items())


_NO_SUCH_VALUE = gettext_lazy("there is no such value here; choose one under \u201cNarrow the results\u201d")


def _facet_field(name: str) -> forms.Field:
    """The facet's parameter, checked: one of its choices, or for the year a whole number from 1 to 9999."""
    if name == "year":
        message = gettext_lazy("enter a year as four digits, such as 2026")
        return forms.IntegerField(label=FACETS[name][2], required=False, min_value=1, max_value=9999,
                                  widget=forms.HiddenInput,
                                  error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message))
    choices = FACETS[name][1]
    if name == "nation":
        choices = lambda: [(n, n) for n in nation_values()]  # noqa: E731 (evaluated only when a value is given)
    elif name == "council_type":
        choices = _council_types
    elif name == "organisation":
        choices = _organisations
    elif name == "country":
        choices = _countries
    else:
        choices = choices.choices
    return forms.ChoiceField(label=FACETS[name][2], required=False, choices=choices, widget=forms.HiddenInput,
                             error_messages={"invalid_choice": _NO_SUCH_VALUE})


class SearchForm(LinkParametersMixin, GovukFormMixin, forms.Form):
    """The words searched for, and the facets chosen from the links beside the results (kept as hidden fields).

    Every value is checked here, for the page and its downloads alike: a facet value that is not one of the
    facet's own is named at the top of the page (and makes the download a 400), never passed to the database.
    """

    q = forms.CharField(label=gettext_lazy("Search published pilots"), required=False, max_length=MAX_QUERY_LENGTH,
                        error_messages={"max_length": gettext_lazy(QUERY_TOO_LONG)},
                        help_text=gettext_lazy("Describe the idea in your own words, for example "
                                               "'text people before bin day'."))

    link_fields = tuple(FACETS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FACETS:
            self.fields[name] = _facet_field(name)

    def facets(self) -> dict[str, str]:
        """The valid facet filters, as the text of their values."""
        data = self.cleaned_data if self.is_bound else {}
        return {name: str(data[name]) for name in FACETS if data.get(name) not in (None, "")}


def _apply(queryset, filters: dict[str, str], user):
    if IDENTIFYING & filters.keys():
        queryset = queryset.identifiable_by(user)
    for name, value in filters.items():
        if name in COUNCIL_FACETS:
            queryset = queryset.of_councils(Council.objects.filter(**{FACETS[name][0]: value}))
        else:
            queryset = queryset.filter(**{FACETS[name][0]: int(value) if name == "year" else value})
    return queryset


def _council_facet_counts(queryset, field: str) -> list[tuple[str, int]]:
    """(value of the council's `field`, pilots) over the councils that ran each pilot: a pilot counts once under
    each value among its councils, so a case study two English councils ran counts once under England."""
    counts = Counter(dict(queryset.exclude(council=None).values_list(f"council__{field}").annotate(n=Count("pk"))
                          .order_by()))
    others = (Pilot.joint_councils.through.objects.filter(pilot__in=queryset.values("pk"))
              .exclude(**{f"council__{field}": F(f"pilot__council__{field}")})
              .values_list(f"council__{field}").annotate(n=Count("pilot", distinct=True)).order_by())
    counts.update(dict(others))
    return list(counts.items())


def _option_label(name: str, choices, value) -> str:
    if name == "country":
        return country_name(value)
    if name == "verdict" and value == Verdict.NOT_REPORTED:
        return str(gettext_lazy("Not reported by the source"))
    return str(choices(value).label) if choices else str(value)


def _facet_counts(queryset, filters, user, request) -> list[dict]:
    """For each facet, its values with how many of the current results have each (links keep other choices).
    "Outcome not reported" is a facet of its own beside the verdicts, so it is never read as one."""
    facets = []
    for name, (field, choices, label) in FACETS.items():
        base = queryset if name not in IDENTIFYING else queryset.identifiable_by(user)
        if name in COUNCIL_FACETS:
            counts = _council_facet_counts(base, field)
        else:
            counts = base.values_list(field).annotate(n=Count("pk")).order_by()
        options = []
        for value, n in sorted(counts, key=lambda item: str(item[0])):
            if value in (None, ""):
                continue
            text = _option_label(name, choices, value)
            query = request.GET.copy()
            query.pop("page", None)
            selected = filters.get(name) == str(value)
            if selected:
                query.pop(name)
            else:
                query[name] = value
            options.append({"value": value, "label": text, "count": n, "selected": selected,
                            "query": query.urlencode()})
        apart = [option for option in options if name == "verdict" and option["value"] == Verdict.NOT_REPORTED]
        options = [option for option in options if option not in apart]
        if options:
            facets.append({"name": name, "label": label, "options": options})
        if apart:
            facets.append({"name": name, "label": NOT_REPORTED_LABEL, "options": apart})
    return facets


def evidence_results(params, user) -> tuple[SearchForm, str, dict[str, str], list[dict], object]:
    """What the evidence search lists for these parameters, for the page and its downloads alike.

    Returns the form, the words searched for, the facet filters, the rows (ranked by the search when there are
    words, newest first otherwise) and the matching pilots as a queryset for the facet counts. A query that is
    too long matches nothing; the form says why.
    """
    form = SearchForm(params or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    filters = form.facets()
    pilots = _apply(released(user), filters, user)
    if form.is_bound and not form.is_valid():
        return form, query, filters, [], pilots.none()
    if query:
        hits = search_pilots(query, queryset=pilots)
        by_id = pilots.in_bulk([hit.pilot_id for hit in hits])
        results = [{"pilot": by_id[hit.pilot_id], "hit": hit} for hit in hits if hit.pilot_id in by_id]
        matched = pilots.filter(pk__in=[r["pilot"].pk for r in results])
    else:
        matched = pilots
        results = [{"pilot": p, "hit": None} for p in pilots.order_by("-published_at", "-pk")]
    return form, query, filters, results, matched


@pagecache.for_signed_out
def evidence_search(request):
    form, query, filters, results, matched = evidence_results(request.GET, request.user)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row["verdict_tag"] = presenters.verdict_tag_class(row["pilot"].result.verdict)
    params = request.GET.copy()
    for name in [name for name in params if name not in form.fields]:  # the page number, and any stray parameter
        del params[name]  # the exports refuse a parameter that is not a filter, so the links carry only filters
    return render(request, "evidence/search.html", {
        "form": form, "query": query, "page": page, "params": params.urlencode(),
        "error_forms": [form] if form.is_bound else [],
        "facets": _facet_counts(matched, filters, request.user, request), "filters": filters,
        "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL,
    })


class IdeaForm(GovukFormMixin, forms.Form):
    idea = forms.CharField(
        label=gettext_lazy("Describe your idea"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The problem and the change you have in mind, in plain words. For example: "
                               "'Ask bin crews to report residents who seem to be struggling'."),
        error_messages={"required": gettext_lazy("Describe your idea to see whether others have tried it")},
    )


def suggestions_for(request, text: str, *, exclude_council=None) -> tuple[list, int]:
    """The closest published pilots at other councils (suggestions.Suggestion), minus the ones this person
    dismissed; and how many of the closest were left out because this person dismissed them."""
    return suggestions_for_idea(text, viewer=request.user, exclude_council=exclude_council,
                                dismissed=request.session.get(DISMISSED, []))


def pooled_for(request, rows) -> list[dict]:
    """Pooled groups holding a suggested pilot or pooling the same kind of change, with this reader's analysis."""
    from . import pooling
    from .models import PooledGroup

    pilots = {row.pilot.pk for row in rows}
    kinds = {row.pilot.intervention_type for row in rows} - {""}
    if not pilots:
        return []
    groups = (PooledGroup.objects.filter(Q(pilots__in=pilots) | Q(intervention_type__in=kinds))
              .distinct().order_by("title")[:5])
    out = []
    for group in groups:
        analysis = pooling.analyse_group(group, request.user)
        out.append({"group": group, "result": analysis, "usable": len(analysis.usable)})
    return out


def before_you_start(request):
    form = IdeaForm(request.GET or None)
    rows, searched, hidden = [], False, 0
    if form.is_bound and form.is_valid():
        searched = True
        rows, hidden = suggestions_for(request, form.cleaned_data["idea"],
                                       exclude_council=own_council_id(request.user))
    return render(request, "evidence/before_you_start.html", {
        "form": form, "error_forms": [form] if form.is_bound else [], "rows": rows, "searched": searched,
        "dismissed_matches": hidden,
        "pooled": pooled_for(request, rows),
    })


def dismiss(request, pk: int) -> None:
    """Remember, for this person's session, that a suggestion is not relevant to them."""
    dismissed = request.session.get(DISMISSED, [])
    if pk not in dismissed:
        request.session[DISMISSED] = [*dismissed, pk][-200:]


@require_POST
def dismiss_suggestion(request, pk: int):
    dismiss(request, pk)
    return _back(request)


@require_POST
def restore_suggestions(request):
    """Show again every suggestion this person dismissed."""
    request.session.pop(DISMISSED, None)
    return _back(request)


def _back(request):
    """Back to the page the form was on (this site's own pages only), or to "before you start"."""
    back = request.POST.get("next", "")
    safe = back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if safe else "before-you-start")


class ReasonForm(LinkParametersMixin, forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False, choices=FailureReason.choices,
                               error_messages={"invalid_choice": gettext_lazy(
                                   "there is no such reason; choose one from the table")})
    link_fields = ("reason",)


# Released results that did not work, or whose source reports the trial was stopped or abandoned early (an imported
# case study is published with its source's result, so its stopping is on the result, not the pilot's status).
NOT_WORKED = Q(result__verdict__in=[Verdict.NO_WORTHWHILE_EFFECT, Verdict.MADE_WORSE]) | Q(result__stopped_early=True)


def failure_register(request):
    """Pilots that found no worthwhile effect, made things worse or stopped early, by structured reason."""
    visible = (Pilot.objects.visible_to(request.user).select_related("council", "result")
               .prefetch_related("joint_councils"))
    stopped = Q(status=Status.STOPPED_EARLY)
    pilots = (visible.results_released().filter(NOT_WORKED) | visible.filter(stopped)).distinct()
    form = ReasonForm(request.GET or None)
    reason = form.cleaned_data["reason"] if form.is_bound and form.is_valid() else ""
    counts = Counter(pilots.values_list("failure_reason", flat=True))
    # Councils as this person may know them (a withheld name is not counted as a council of its own).
    councils = {value: pilots.filter(failure_reason=value).council_count(request.user) for value in counts}
    reasons = [{"value": value, "label": label, "count": counts.get(value, 0), "councils": councils.get(value, 0),
                "selected": value == reason} for value, label in FailureReason.choices]
    if reason in FailureReason.values:
        pilots = pilots.filter(failure_reason=reason)
    page = Paginator(pilots.order_by("-published_at", "-ended_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"pilot": p, "result": getattr(p, "result", None) if p.result_shown_to(request.user) else None}
            for p in page]
    for row in rows:
        row["verdict_tag"] = presenters.verdict_tag_class(row["result"].verdict) if row["result"] else ""
    return render(request, "evidence/failures.html", {
        "error_forms": [form] if form.is_bound else [], "reasons": reasons, "reason": reason, "page": page,
        "rows": rows, "total": sum(counts.values()),
        "query": f"reason={reason}" if reason in FailureReason.values else "",
        "unclassified": counts.get("", 0), "reason_label": FailureReason(reason).label if reason in
        FailureReason.values else "", "title": _("What didn't work"),
    })
