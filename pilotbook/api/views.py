"""Open data views: the record schema, exports of a browse or search, and the read-only JSON API.

Access is the pages' own: pilots come only from PilotQuerySet.visible_to(request.user) (session sign-in, so a
signed-in member sees what the web shows them), and pilot_record applies Pilot.result_shown_to and
council_shown_to. A pilot the person may not see is a 404, as on the pages.

Every endpoint and export checks its query parameters the same way (pilotbook.api.parameters), and every error
under /api/ is application/problem+json (pilotbook.api.problems). Links and ids in what these views return are
built on PILOTBOOK_SITE_URL, never on the Host header a request came with.
"""

from __future__ import annotations

import functools
import math
from collections import Counter

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse, StreamingHttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from pilotbook.councils.models import Council
from pilotbook.evidence import pooling
from pilotbook.evidence.models import PooledGroup
from pilotbook.evidence.selectors import evidence_results
from pilotbook.pilots.access import SIGNED_OUT, audience
from pilotbook.pilots.models import Pilot
from pilotbook.web import pagecache
from pilotbook.web.problems import bad_parameters, not_found, problem

from . import exports
from .openapi import openapi_document
from .parameters import (
    BadParameters,
    CouncilListParameters,
    EvidenceParameters,
    NoParameters,
    PilotListParameters,
    PilotParameters,
    checked,
)
from .records import LICENCE_NAME, LICENCE_URL, base_url, for_records, pilot_record
from .schema import SCHEMA_PATH, pilot_schema
from .selectors import filtered_pilots

JSON_OPTIONS = {"ensure_ascii": False}


def _json(data, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params=JSON_OPTIONS)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def json_api(parameters=NoParameters):
    """An API view: GET and HEAD only; its query parameters checked by the `parameters` form, which the view is
    given valid; bad parameters and not-found answered as problem+json."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return problem(405, "This API is read-only: use GET.", Allow="GET, HEAD, OPTIONS")
            try:
                return view(request, checked(request.GET, parameters), *args, **kwargs)
            except BadParameters as error:
                return bad_parameters(error.errors)
            except Http404 as error:
                return not_found(request, str(error) or None)

        wrapped.csrf_exempt = True  # nothing here changes state, so a POST gets the JSON 405, not a CSRF page
        wrapped.parameters = parameters
        return wrapped

    return decorate


@csrf_exempt
def api_not_found(request):
    """Any other address under /api/ (such as /api/pilots/abc/): a problem+json 404. An address that only lacks
    its final slash is sent on to it, as Django does for pages (APPEND_SLASH)."""
    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return not_found(request)


@require_GET
def schema_view(request):
    return _json(pilot_schema(), content_type="application/schema+json")


# Exports.

EXPORT_FORMATS = ("csv", "ods", "xlsx", "json")


def export(request, fmt: str):
    """The pilots a browse (or, with `q`, a search) would list for this person, in one file."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    try:
        form = checked(request.GET, PilotParameters)
    except BadParameters as error:
        return bad_parameters(error.errors)
    return _export_file(request, fmt, filtered_pilots(form, request.user), "pilots")


def export_evidence(request, fmt: str):
    """The published pilots an evidence-base search lists for this person, with its facets, in one file."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    try:
        form = checked(request.GET, EvidenceParameters)
    except BadParameters as error:
        return bad_parameters(error.errors)
    results = evidence_results(form.data, request.user, facets=False)  # every match, in the page's order
    if fmt in STREAMED and (count := results.rows.count()) > STREAM_OVER:
        return _export_stream(request, fmt, results.pilots(load=for_records), count, "evidence")
    return _export_file(request, fmt, results.pilots(load=for_records), "evidence")


STREAMED = ("csv", "json")  # the formats written a piece at a time (a spreadsheet's file is one archive)
STREAM_OVER = 1000  # pilots above which a CSV or JSON export streams: never all the records in memory at once


def _export_stream(request, fmt: str, pilots, count: int, name: str) -> StreamingHttpResponse:
    """The same file as _export_file, written a few records at a time as the pilots are read (1,000 at a time)."""
    base = base_url()
    records = (pilot_record(pilot, request.user, base=base) for pilot in pilots)
    generated = timezone.now().replace(microsecond=0).isoformat()
    if fmt == "json":
        chunks = exports.json_chunks(records, count, base + request.get_full_path(), generated, base + SCHEMA_PATH)
        content_type = "application/json; charset=utf-8"
    else:
        chunks = exports.csv_chunks(records)
        content_type = exports.FORMATS[fmt][0]
    return _export_headers(request, StreamingHttpResponse(chunks, content_type=content_type), fmt, name)


def _export_file(request, fmt: str, pilots, name: str) -> HttpResponse:
    base = base_url()
    records = [pilot_record(pilot, request.user, base=base) for pilot in pilots]
    source = base + request.get_full_path()
    generated = timezone.now().replace(microsecond=0).isoformat()
    if fmt == "json":
        body = exports.to_json(records, source, generated, base + SCHEMA_PATH)
        content_type = "application/json; charset=utf-8"
    else:
        content_type, write = exports.FORMATS[fmt]
        body = write(records, source, generated)
    return _export_headers(request, HttpResponse(body, content_type=content_type), fmt, name)


def _export_headers(request, response, fmt: str, name: str):
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pilotbook-{name}-{stamp}.{fmt}"'
    links = [f'<{LICENCE_URL}>; rel="license"']
    if fmt == "csv":  # the CSV holds only data: its licence and column types are in the CSV on the Web metadata
        links.append(f'<{_with_query(request, reverse(f"export-{name}-metadata"))}>; rel="describedby"; '
                     'type="application/csvm+json"')
    response["Link"] = ", ".join(links)
    response["Cache-Control"] = "private, no-store"  # what it holds depends on who asked
    return response


def _with_query(request, path: str) -> str:
    query = request.META.get("QUERY_STRING", "")
    return base_url() + path + (f"?{query}" if query else "")


def _csv_metadata(request, name: str, title: str) -> JsonResponse:
    csv_url = _with_query(request, reverse(f"export-{name}", args=["csv"]))
    response = _json(exports.csv_metadata(csv_url, title), content_type="application/csvm+json")
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


def export_metadata(request):
    """The CSV on the Web metadata of /export/pilots.csv with the same parameters: licence and column types."""
    try:
        checked(request.GET, PilotParameters)
    except BadParameters as error:
        return bad_parameters(error.errors)
    return _csv_metadata(request, "pilots", "Pilots in Pilotbook")


def export_evidence_metadata(request):
    """The CSV on the Web metadata of /export/evidence.csv with the same parameters."""
    try:
        checked(request.GET, EvidenceParameters)
    except BadParameters as error:
        return bad_parameters(error.errors)
    return _csv_metadata(request, "evidence", "Published pilot results in Pilotbook's evidence base")


# The read API.

def _page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return base_url() + request.path + "?" + query.urlencode()


@json_api()
def api_index(request, form):
    base = base_url()
    return _json({
        "openapi": base + reverse("api-openapi"),
        "pilots": base + reverse("api-pilots"),
        "councils": base + reverse("api-councils"),
        "pooled_groups": base + reverse("api-pooled-groups"),
        "overdue": base + reverse("api-overdue"),
        "pilot_schema": base + SCHEMA_PATH,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
    })


@json_api()
def api_openapi(request, form):
    return _json(openapi_document(base_url()))


@pagecache.for_signed_out
@json_api(PilotListParameters)
def api_pilots(request, form):
    """A page of the pilots this person may see. What it lists is the same for everyone in one audience, so it is
    built once per data version and set of parameters (pilotbook.web.pagecache)."""
    try:
        who = audience(request.user)
        body = pagecache.cached(request, "api-pilots", (who, sorted(request.GET.lists())), public=who == SIGNED_OUT,
                                build=lambda: _json(_pilot_list(request, form)).content)
        return HttpResponse(body, content_type="application/json")
    except EmptyPage as no_such_page:
        return not_found(request, str(no_such_page))


def _pilot_list(request, form) -> dict:
    number = form.cleaned_data["page"] or form.fields["page"].initial
    page_size = form.cleaned_data["page_size"] or form.fields["page_size"].initial
    paginator = Paginator(filtered_pilots(form, request.user), page_size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        if number == 1:
            page = paginator.page(1)  # Paginator allows an empty first page
        else:
            raise EmptyPage(f"There is no page {number}; the last is {paginator.num_pages}.") from None
    base = base_url()
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_link(request, page.previous_page_number()) if page.has_previous() else None,
        "results": [pilot_record(pilot, request.user, base=base) for pilot in page],
    }


@json_api()
def api_pilot(request, form, pk: int):
    pilot = for_records(Pilot.objects.visible_to(request.user)).filter(pk=pk).first()
    if pilot is None:
        raise Http404("No pilot with that number that you may see.")
    return _json(pilot_record(pilot, request.user))


def _council(council: Council, count: int, base: str) -> dict:
    return {
        "code": council.code, "name": council.name, "official_name": council.official_name,
        "nation": council.nation, "region": council.region, "gss_code": council.gss_code,
        "authority_type": council.authority_type, "authority_type_name": council.authority_type_name,
        "is_current": council.is_current, "url": base + council.get_absolute_url(),
        "pilots": count,
        "pilots_url": base + reverse("api-pilots") + f"?council={council.code}",
    }


def _pilot_counts(user) -> dict[str, int]:
    """Pilots per council that this person may see and may know the council of, with the case studies each ran
    together with other councils."""
    known = Pilot.objects.visible_to(user).identifiable_by(user)
    codes = list(known.exclude(council=None).values_list("council_id", flat=True))
    codes += Pilot.joint_councils.through.objects.filter(pilot__in=known.values("pk")).values_list("council_id",
                                                                                                 flat=True)
    return dict(Counter(codes))


@json_api(CouncilListParameters)
def api_councils(request, form):
    councils = Council.objects.order_by("name")
    if form.cleaned_data["nation"]:
        councils = councils.filter(nation=form.cleaned_data["nation"])
    counts, base = _pilot_counts(request.user), base_url()
    results = [_council(c, counts.get(c.code, 0), base) for c in councils]
    return _json({"count": len(results), "results": results})


@json_api()
def api_council(request, form, code: str):
    council = Council.objects.filter(code=code.upper()).first()
    if council is None:
        raise Http404("No council with that code; /api/councils/ lists them.")
    return _json(_council(council, _pilot_counts(request.user).get(council.code, 0), base_url()))


def _finite(value):
    return value if value is None or math.isfinite(value) else None


def _group(group: PooledGroup, request, *, detail: bool) -> dict:
    analysis = pooling.analyse_group(group, request.user)
    pooled = analysis.pooled
    base = base_url()
    out = {
        "slug": group.slug, "title": group.title, "description": group.description,
        "service_area": group.service_area or None, "intervention_type": group.intervention_type or None,
        "outcome": group.outcome, "measure": group.measure,
        "url": base + group.get_absolute_url(), "api_url": base + reverse("api-pooled-group", args=[group.slug]),
        "pilots_pooled": len(analysis.usable),
        "councils": analysis.councils,
        "councils_withheld": analysis.councils_withheld,
        "pooled": {
            "method": str(getattr(pooled.method, "value", pooled.method)), "k": pooled.k,
            "scale": "log" if group.measure in ("RR", "OR") else "natural",
            **{name: _finite(getattr(pooled, name)) for name in
               ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low", "pi_high")},
        } if pooled else None,
        "problem": analysis.problem or None,
        "rating": ({"score": analysis.rating.score, "reasons": [str(r) for r in analysis.rating.reasons]}
                   if analysis.rating else None),
    }
    if detail:
        out["summary"] = [str(line) for line in analysis.summary]
        out["members"] = [{
            "pilot": base + reverse("api-pilot", args=[m.pilot.pk]),
            "title": m.pilot.title,
            "yi": _finite(m.yi), "vi": _finite(m.vi),
            "excluded_because": m.reason or None,
        } for m in analysis.members]
    return out


@json_api()
def api_pooled_groups(request, form):
    results = [_group(group, request, detail=False) for group in PooledGroup.objects.all()]
    return _json({"count": len(results), "results": results})


@json_api()
def api_pooled_group(request, form, slug: str):
    group = PooledGroup.objects.filter(slug=slug).first()
    if group is None:
        raise Http404("No pooled group with that name; /api/pooled-groups/ lists them.")
    return _json(_group(group, request, detail=True))


@json_api()
def api_overdue(request, form):
    """Overdue pilots the person may see, with the reporting rates, by the rules of the overdue pages."""
    from pilotbook.overdue import selectors as overdue

    today, base = timezone.localdate(), base_url()
    pilots = [{
        "id": pilot.pk,
        "title": pilot.title,
        "url": base + pilot.get_absolute_url(),
        "council": pilot.council_id if pilot.council_shown_to(request.user) else None,
        "council_withheld": not pilot.council_shown_to(request.user),
        "status": pilot.status,
        "results_due_date": pilot.results_due_date.isoformat(),
        "days_overdue": overdue.days_overdue(pilot, today),
    } for pilot in overdue.overdue_pilots(request.user, today=today)]
    rates = [{"council": rate.council.code, "came_due": rate.came_due, "on_time": rate.on_time,
              "rate": rate.rate, "overdue_now": rate.overdue_now}
             for rate in overdue.reporting_rates(request.user, today=today)]
    return _json({"as_of": today.isoformat(), "count": len(pilots), "results": pilots, "reporting_rates": rates})
