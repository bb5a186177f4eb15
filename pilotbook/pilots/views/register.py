"""Registering a pilot: question pages that save a draft, a check-your-answers page, and amendments. The first page,
which checks for similar pilots before a draft is saved, is pilotbook.site.registration (ADR 0017)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbook.pilots import plan as plan_module
from pilotbook.pilots import presenters, services
from pilotbook.pilots.access import changeable_pilot
from pilotbook.pilots.forms import STEP_BY_SLUG, STEPS, AmendmentDetailsForm, form_fields, next_step


def _step_or_404(slug: str):
    try:
        return STEP_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def pilot_step(request, pk: int, slug: str):
    pilot = changeable_pilot(request, pk)
    step = _step_or_404(slug)
    if pilot.is_frozen:
        return redirect("pilot-amend", pk=pilot.pk, slug=slug)
    form = step.form_class(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        services.pilot_update_draft(pilot=pilot, fields=form_fields(form))
        following = next_step(slug)
        if request.GET.get("return") == "check" or following is None:
            return redirect("pilot-check", pk=pilot.pk)
        return redirect("pilot-step", pk=pilot.pk, slug=following.slug)
    position = [s.slug for s in STEPS].index(slug)
    back = reverse("pilot-step", args=[pilot.pk, STEPS[position - 1].slug]) if position else None
    return render(
        request,
        "pilots/step.html",
        {"form": form, "error_forms": [form], "step": step, "pilot": pilot, "step_number": position + 1,
         "step_count": len(STEPS), "back_url": back},
    )


def pilot_check(request, pk: int):
    pilot = changeable_pilot(request, pk)
    if pilot.is_frozen:
        return redirect(pilot)
    error = None
    if request.method == "POST":
        try:
            pilot = services.pilot_register(pilot=pilot, user=request.user)
        except services.PilotStateError as exc:
            error = exc.message
        else:
            if pilot.registered_after_start:
                messages.success(request, _("Pilot registered. Its plan is now frozen. It started before it was "
                                            "registered, so it is shown as registered after it started."))
            else:
                messages.success(request, _("Pilot registered. Its plan is now frozen."))
            return redirect(pilot)
    missing = set(plan_module.missing_fields(pilot))
    return render(
        request,
        "pilots/check.html",
        {"pilot": pilot, "rows": presenters.plan_rows(pilot), "missing": missing, "error": error,
         "missing_rows": [row for row in presenters.plan_rows(pilot) if row.field in missing],
         "visibility": pilot.get_visibility_display(),
         # A warning, not a block: a pilot already under way may still be registered, honestly marked as late.
         "start_date_passed": pilot.start_date_has_passed()},
    )


def pilot_amend(request, pk: int, slug: str):
    pilot = changeable_pilot(request, pk)
    step = _step_or_404(slug)
    if not pilot.is_frozen:
        return redirect("pilot-step", pk=pilot.pk, slug=slug)
    if not step.in_plan:
        return redirect("pilot-sharing", pk=pilot.pk)
    if pilot.is_ended:
        messages.info(request, _("This pilot has ended, so its plan can no longer be amended."))
        return redirect(pilot)
    form = step.form_class(request.POST or None, instance=pilot)
    details = AmendmentDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() & details.is_valid():
        try:
            with transaction.atomic():
                amendment = services.pilot_amend(
                    pilot=pilot, user=request.user, fields=form_fields(form),
                    reason=details.cleaned_data["reason"], results_seen=details.cleaned_data["results_seen"],
                )
        except services.PilotStateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Amendment %(number)s recorded.") % {"number": amendment.number})
            return redirect(reverse("pilot-detail", args=[pilot.pk]) + "#amendments")
    return render(
        request,
        "pilots/amend.html",
        {"form": form, "details": details, "step": step, "pilot": pilot,
         "error_forms": [form, details]},
    )
