"""Registering a pilot: question pages that save a draft, a check-your-answers page, and amendments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council
from pilotbook.pilots import plan as plan_module
from pilotbook.pilots import presenters, services
from pilotbook.pilots.access import changeable_pilot
from pilotbook.pilots.forms import STEP_BY_SLUG, STEPS, AmendmentDetailsForm, CouncilChoiceForm, IdeaForm, next_step
from pilotbook.web.access import sign_in_required

IDEA_DRAFT = "pilotbook_idea_draft"  # what was typed on the first page when they checked for similar pilots


def _step_or_404(slug: str):
    try:
        return STEP_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _form_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form._meta.fields}


@sign_in_required
def pilot_create(request):
    councils = list(Council.objects.filter(memberships__user=request.user).order_by("name"))
    if not councils:
        raise PermissionDenied(
            _("Only members of a council can register pilots. Ask your council admin to invite you.")
        )
    council_form = CouncilChoiceForm(request.POST or None, councils=councils) if len(councils) > 1 else None
    form = IdeaForm(request.POST or None)
    suggestions, pooled, dismissed_matches = None, [], 0
    checking = request.method == "POST" and "check" in request.POST
    if checking and not any(request.POST.get(name, "").strip() for name in ("title", "problem", "change")):
        form.is_valid()  # nothing to check yet: the questions' own messages say what to fill in
        council_form = None if council_form is None else CouncilChoiceForm(initial=request.POST.dict(),
                                                                           councils=councils)
    elif checking or (request.method == "GET" and request.GET.get("checked") and IDEA_DRAFT in request.session):
        # "Before you start": show similar pilots at other councils; nothing is saved until they continue. What
        # they typed is kept in their session, so dismissing a suggestion comes back to it (?checked=1).
        from pilotbook.evidence.views import pooled_for, suggestions_for

        if checking:
            request.session[IDEA_DRAFT] = {name: request.POST.get(name, "")
                                           for name in [*form.fields, "council"] if name in request.POST}
        typed = request.session[IDEA_DRAFT]
        text = " ".join(typed.get(name, "") for name in ("title", "problem", "change")).strip()
        suggestions, dismissed_matches = suggestions_for(
            request, text, exclude_council=councils[0] if len(councils) == 1 else None)
        pooled = pooled_for(request, suggestions)
        form = IdeaForm(initial=typed)
        if council_form is not None:
            council_form = CouncilChoiceForm(initial=typed, councils=councils)
    elif request.method == "POST" and form.is_valid() and (council_form is None or council_form.is_valid()):
        council = councils[0] if council_form is None else Council.objects.get(pk=council_form.cleaned_data["council"])
        pilot = services.pilot_create_draft(council=council, user=request.user, **_form_fields(form))
        request.session.pop(IDEA_DRAFT, None)
        return redirect("pilot-step", pk=pilot.pk, slug=STEPS[1].slug)
    return render(
        request,
        "pilots/step.html",
        {"form": form, "council_form": council_form, "error_forms": [council_form, form], "step": STEPS[0],
         "step_number": 1, "step_count": len(STEPS), "pilot": None, "suggestions": suggestions, "pooled": pooled,
         "dismissed_matches": dismissed_matches,
         "dismiss_next": reverse("pilot-create") + "?checked=1"},
    )


def pilot_step(request, pk: int, slug: str):
    pilot = changeable_pilot(request, pk)
    step = _step_or_404(slug)
    if pilot.is_frozen:
        return redirect("pilot-amend", pk=pilot.pk, slug=slug)
    form = step.form_class(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        services.pilot_update_draft(pilot=pilot, fields=_form_fields(form))
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
                    pilot=pilot, user=request.user, fields=_form_fields(form),
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
