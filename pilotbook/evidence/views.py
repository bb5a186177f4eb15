"""The shared evidence base: search with facets, "before you start", and the "what didn't work" register.

What the search lists, and its facet counts, come from pilotbook.evidence.selectors (the access rules are
stated there); a case study whose source reported no outcome is counted apart from the verdicts.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pilotbook.pilots import presenters
from pilotbook.pilots.access import SIGNED_OUT, audience, audience_among, withholding_councils
from pilotbook.pilots.choices import FailureReason, Status, Verdict
from pilotbook.pilots.countries import country_name
from pilotbook.pilots.models import Pilot, own_council_id
from pilotbook.web import pagecache
from pilotbook.web.forms import GovukFormMixin, LinkParametersMixin
from pilotbook.web.open_data import LICENCE_NAME, LICENCE_URL

from .forms import FACETS, SearchForm
from .selectors import DISMISSED, evidence_results, pooled_for, suggestions_for

PAGE_SIZE = 20
# Before you start's suggestions are kept in each process's memory only, not also in the shared table (ADR 0018):
# an idea is mostly asked once, and writing it there cost more than building it again in another process would save.
SHARE_SUGGESTIONS = False
NOT_REPORTED_LABEL = gettext_lazy("Outcome not reported")


def _option_label(name: str, choices, value) -> str:
    if name == "country":
        return country_name(value)
    if name == "verdict" and value == Verdict.NOT_REPORTED:
        return str(gettext_lazy("Not reported by the source"))
    return str(choices(value).label) if choices else str(value)


def _facet_options(counted, filters, request) -> list[dict]:
    """For each facet, its values with how many of the current results have each (links keep other choices).
    "Outcome not reported" is a facet of its own beside the verdicts, so it is never read as one."""
    facets = []
    for name, (_field, choices, label) in FACETS.items():
        options = []
        for value, n in sorted(counted[name], key=lambda item: str(item[0])):
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


@pagecache.for_signed_out
def evidence_search(request):
    """The search's results and facets are the same for everyone in one audience, and among released results only a
    withheld council name depends on which councils a person belongs to (pilots.access.audience_among), so the
    page's body is built once per data version for each such audience and these parameters
    (pilotbook.web.pagecache); the layout around it (the person's name, the sign-out form) for each request."""
    user = request.user
    who = audience_among(user, withholding_councils(request)) if user.is_authenticated else SIGNED_OUT
    body = pagecache.cached(request, "evidence-search", (who, request.get_full_path()), public=who == SIGNED_OUT,
                            by_address=True, build=lambda: render_to_string("evidence/includes/search_body.html",
                                                                            _search_body(request)))
    form = SearchForm(request.GET or None)  # the title says what was searched for, or that the form has an error
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return render(request, "evidence/search.html", {"body": mark_safe(body),  # noqa: S308 - rendered above
                                                    "query": query, "error_forms": [form] if form.is_bound else []})


def _search_body(request) -> dict:
    number = request.GET.get("page", "1")
    # ASCII digits only: "²".isdigit() is true, but int() refuses it. Anything else: Paginator decides.
    until = PAGE_SIZE * int(number) if number.isascii() and number.isdigit() and len(number) < 7 else None
    results = evidence_results(request.GET, request.user, until=until)
    page = Paginator(results.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row["verdict_tag"] = presenters.verdict_tag_class(row["pilot"].result.verdict)
    params = request.GET.copy()
    for name in [name for name in params if name not in results.form.fields]:  # the page number, any stray one
        del params[name]  # the exports refuse a parameter that is not a filter, so the links carry only filters
    return {
        "form": results.form, "query": results.query, "page": page, "params": params.urlencode(),
        "error_forms": [results.form] if results.form.is_bound else [],
        "facets": _facet_options(results.facets, results.filters, request),
        "filters": results.filters, "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL,
        "user": request.user,  # for the councils' names only (pilots_tags.council_name), by the rules of the audience
    }


class IdeaForm(GovukFormMixin, forms.Form):
    idea = forms.CharField(
        label=gettext_lazy("Describe your idea"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The problem and the change you have in mind, in plain words. For example: "
                               "'Ask bin crews to report residents who seem to be struggling'."),
        error_messages={"required": gettext_lazy("Describe your idea to see whether others have tried it")},
    )


def before_you_start(request):
    form = IdeaForm(request.GET or None)
    rows, searched, hidden, pooled = [], False, 0, []
    if form.is_bound and form.is_valid():
        searched = True
        rows, hidden, pooled = _suggested(request, form.cleaned_data["idea"])
    return render(request, "evidence/before_you_start.html", {
        "form": form, "error_forms": [form] if form.is_bound else [], "rows": rows, "searched": searched,
        "dismissed_matches": hidden,
        "pooled": pooled,
    })


def _suggested(request, idea: str) -> tuple[list, int, list]:
    """The suggestions for an idea, how many were dismissed, and the pooled evidence beside them: worked out once per
    data version for everyone with the same audience (pilots.access.audience: who may see what, and whose names),
    own council (whose pilots are left out) and dismissed suggestions (pilotbook.web.pagecache). Ranking and
    comparing the candidates is most of the page's cost, and an idea asked again (a page reloaded, a link shared,
    a suggestion dismissed and restored) gives the same until the data changes. The page around them (the form,
    the dismiss buttons' CSRF tokens) is rendered for each request."""
    user = request.user
    own = own_council_id(user)
    dismissed = sorted(request.session.get(DISMISSED, []))
    who = audience(user)

    def build() -> tuple[list, int, list]:
        rows, hidden = suggestions_for(request, idea, exclude_council=own)
        return rows, hidden, pooled_for(request, rows)

    return pagecache.cached(request, "before-you-start", (who, own, dismissed, idea), build=build,
                            public=who == SIGNED_OUT, shared=SHARE_SUGGESTIONS)


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
