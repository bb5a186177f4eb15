"""A pilot's page: its plan, registration record, amendments, result and the actions open to its council."""

from django.db.models import prefetch_related_objects
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from pilotbook.pilots import charts, presenters
from pilotbook.pilots import plan as plan_module
from pilotbook.pilots.access import (
    SIGNED_OUT,
    audience_among,
    shown_pilot_or_404,
    visible_pilot_or_404,
    withholding_councils,
)
from pilotbook.pilots.choices import Status
from pilotbook.pilots.extensions import pilot_page_councils
from pilotbook.web import pagecache


def page_councils(request, pilot) -> frozenset[str]:
    """The councils whose membership can change what this pilot's page body shows: its own and its joint councils
    (can_change, council_shown_to, result_shown_to, the similar pilots it leaves out), every council that withheld
    its name on a pilot (a similar pilot's council is named to its members only), and what the page's features
    depend on (pilots.extensions.pilot_page_councils: hack days, materials). Worked out once per data version."""
    def build() -> frozenset[str]:
        with_joint_councils(pilot)
        return frozenset(council.pk for council in pilot.all_councils()) | pilot_page_councils(pilot)

    return pagecache.cached(request, "pilot-page-councils", (pilot.pk,), build=build) | withholding_councils(request)


@pagecache.for_signed_out
def pilot_detail(request, pk: int):
    """The access check is made on every request; the page's body is the same for everyone whose membership of the
    councils it depends on (page_councils) is the same, so it is built once per data version for them all
    (pilotbook.web.pagecache); the discussion under it is rendered for each person. Someone signed out is shown
    nothing personal at all, so their whole page is cached (the same for all of them)."""
    pilot = shown_pilot_or_404(request, pk)
    who = audience_among(request.user, page_councils(request, pilot)) if request.user.is_authenticated else SIGNED_OUT
    body = pagecache.cached(request, "pilot-page", (pilot.pk, who), public=who == SIGNED_OUT,
                            build=lambda: render_to_string("pilots/includes/detail_body.html", _body(request, pilot)))
    return render(request, "pilots/detail.html", {"pilot": pilot, "body": mark_safe(body),  # noqa: S308 - rendered
                                                  "council_shown": pilot.council_shown_to(request.user)})


def with_joint_councils(pilot) -> None:
    """Read the pilot's joint councils once for everything built on this request that names them (the page's
    councils, the body's "Run by", the discussion's "follow" choices). Only what is built asks: a request that finds
    every part in the page cache needs none of them (issue 19: they were read on every request)."""
    prefetch_related_objects([pilot], "joint_councils")


def _body(request, pilot) -> dict:
    with_joint_councils(pilot)
    amendments = [
        {"amendment": amendment, "rows": presenters.change_rows(amendment.changes)}
        for amendment in pilot.amendments.select_related("made_by")
    ]
    result = getattr(pilot, "result", None)
    context = {
        "pilot": pilot,
        "can_change": pilot.can_change(request.user),
        "rows": presenters.plan_rows(pilot),
        "amendments": amendments,
        "result": result,
        "result_view": charts.result_view(pilot, result) if result else None,
        "result_shown": pilot.result_shown_to(request.user),
        "council_shown": pilot.council_shown_to(request.user),
        "status_tag": presenters.status_tag_class(pilot.status),
        "verdict_tag": presenters.verdict_tag_class(result.verdict) if result else "",
        "Status": Status,
        "plan_fields_missing": plan_module.missing_fields(pilot) if pilot.status == Status.DRAFT else [],
        "request": request,
        "user": request.user,
    }
    return context


PREREGISTERED_MEANS = (
    "true when the plan was registered (frozen) on or before the day the pilot started (UK dates, Europe/London): "
    "started_on is the earliest of the start date in the registered plan, the start date in the current plan and "
    "the day the pilot was started in Pilotbook; false for a plan registered after that, or never registered here")


def registration_timing(pilot) -> str:
    if pilot.registered_at is None:
        return "not registered"
    return "registered before it started" if pilot.preregistered else "registered after it started"


def pilot_plan_json(request, pk: int):
    """The registered plan and the current plan in canonical JSON, so anyone can recompute the hashes."""
    pilot = visible_pilot_or_404(request, pk)
    current = plan_module.plan_of(pilot)
    return JsonResponse(
        {
            "pilot": pilot.pk,
            "registered_at": pilot.registered_at.isoformat() if pilot.registered_at else None,
            # Beside the plan, not in it: derived from the registration time and the start, so the registered plan
            # and its SHA-256 are untouched (ADR 0003).
            "preregistered": pilot.preregistered,
            "registration_timing": registration_timing(pilot),
            "registered_on": pilot.registered_on.isoformat() if pilot.registered_on else None,
            "started_on": pilot.started_on.isoformat() if pilot.started_on else None,
            "preregistered_means": PREREGISTERED_MEANS,
            "registered_plan": pilot.registered_plan,
            "registered_plan_sha256": pilot.registered_plan_hash or None,
            "registered_plan_canonical_json": plan_module.canonical_json(pilot.registered_plan)
            if pilot.registered_plan
            else None,
            "current_plan": current,
            "current_plan_sha256": plan_module.plan_hash(current),
            "amendments": pilot.amendments.count(),
        },
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
