"""Overdue results pages: the sector list, a council's list, a pilot's entry with its correction log,
flagging an entry (the pilot's council) and reviewing flags (moderators)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council
from pilotbook.pilots.access import changeable_pilot, visible_pilot_or_404

from . import access, selectors, services
from .forms import CorrectionForm, FlagForm
from .models import Flag, ReportedElsewhere


def _rows(pilots, today):
    return [{"pilot": p, "days": selectors.days_overdue(p, today)} for p in pilots]


def overdue_list(request):
    today = timezone.localdate()
    page = Paginator(selectors.overdue_pilots(request.user, today=today), 50).get_page(request.GET.get("page"))
    rates = selectors.reporting_rates(request.user, today=today)
    return render(request, "overdue/list.html", {
        "page": page, "rows": _rows(page.object_list, today), "rates": rates,
        "totals": selectors.sector_totals(rates), "today": today,
        "due_after": settings.PILOTBOOK_RESULTS_DUE_AFTER_DAYS,
        "open_flags": selectors.open_flags().count() if access.may_correct(request.user)
        else None,
    })


def council_overdue(request, code: str):
    council = get_object_or_404(Council, code=code)
    today = timezone.localdate()
    pilots = selectors.overdue_pilots(request.user, today=today, council=council)
    rates = selectors.reporting_rates(request.user, today=today, council=council)
    return render(request, "overdue/council.html", {
        "council": council, "rows": _rows(pilots, today), "rate": rates[0] if rates else None, "today": today,
        "due_after": settings.PILOTBOOK_RESULTS_DUE_AFTER_DAYS})


def overdue_entry(request, pk: int):
    pilot = visible_pilot_or_404(request, pk)
    today = timezone.localdate()
    user = request.user
    is_member = pilot.can_change(user)
    may_see_detail = pilot.council_shown_to(user)
    return render(request, "overdue/entry.html", {
        "pilot": pilot,
        "overdue": selectors.is_overdue(pilot, today),
        "days": selectors.days_overdue(pilot, today),
        "reported_elsewhere": ReportedElsewhere.objects.filter(pilot=pilot).first(),
        "corrections": selectors.corrections_for(pilot),
        "may_see_detail": may_see_detail,
        # Flags are between the council and the moderators.
        "flags": pilot.overdue_flags.select_related("raised_by", "resolved_by")
        if access.may_see_flags(user, pilot) else None,
        "can_flag": is_member,
        "can_correct": access.may_correct(user),
    })


def flag_entry(request, pk: int):
    pilot = changeable_pilot(request, pk)
    if not selectors.is_overdue(pilot):  # say so before they fill in the form, not after
        messages.error(request, _("This pilot is not on the overdue list, so there is nothing to flag."))
        return redirect("overdue-entry", pk=pilot.pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.flag_raise(pilot=pilot, user=request.user, kind=data["kind"], reason=data["reason"],
                                link=data.get("link") or "", proposed_due_date=data.get("proposed_due_date"))
        except services.OverdueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you. A moderator will review this entry and email you the outcome."))
            return redirect("overdue-entry", pk=pilot.pk)
    return render(request, "overdue/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Flag this overdue entry as wrong"),
        "lede": _("Tell a platform moderator what is wrong. They can set a new due date or record where the "
                  "results were reported, and every correction is shown on the entry."),
        "button": _("Send to a moderator"), "back": pilot.pk})


def moderation(request):
    access.require_reviewer(request)
    resolved = Flag.objects.exclude(state=Flag.State.OPEN).select_related(
        "pilot__council", "resolved_by").order_by("-resolved_at")[:20]
    return render(request, "overdue/moderation.html", {"flags": selectors.open_flags(), "resolved": resolved})


def _apply(request, form, pilot, flag):
    data = form.cleaned_data
    if data["decision"] == CorrectionForm.REJECT:
        services.flag_reject(flag=flag, moderator=request.user, reason=data["reason"])
        messages.success(request, _("Flag closed; the record is unchanged. The council has been told why."))
    else:
        services.record_correct(pilot=pilot, moderator=request.user, action=data["decision"], reason=data["reason"],
                                flag=flag, new_due_date=data.get("new_due_date"), url=data.get("url") or "",
                                reported_on=data.get("reported_on"))
        messages.success(request, _("Record corrected and logged. The council has been told."))


def review_flag(request, flag_id: int):
    access.require_reviewer(request)
    flag = get_object_or_404(Flag.objects.select_related("pilot__council", "raised_by"), pk=flag_id)
    if flag.state != Flag.State.OPEN:
        messages.error(request, _("This flag has already been reviewed."))
        return redirect("overdue-entry", pk=flag.pilot_id)
    initial = {}
    if flag.kind == Flag.Kind.END_DATE_MOVED:
        initial = {"decision": CorrectionForm.DUE_DATE, "new_due_date": flag.proposed_due_date}
    elif flag.kind == Flag.Kind.REPORTED_ELSEWHERE:
        initial = {"decision": CorrectionForm.REPORTED_ELSEWHERE, "url": flag.link}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _apply(request, form, flag.pilot, flag)
        except services.OverdueError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("overdue-moderation")
    return render(request, "overdue/review.html", {"flag": flag, "pilot": flag.pilot, "form": form,
                                                   "error_forms": [form]})


def correct_entry(request, pk: int):
    """A moderator corrects a record without a flag (for example after a council emailed them)."""
    access.require_reviewer(request)
    pilot = visible_pilot_or_404(request, pk)
    form = CorrectionForm(request.POST or None, allow_reject=False)
    if request.method == "POST" and form.is_valid():
        try:
            _apply(request, form, pilot, None)
        except services.OverdueError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("overdue-entry", pk=pilot.pk)
    return render(request, "overdue/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Correct the overdue record"),
        "lede": _("The correction is logged on the entry with your name and reason, and the council is told."),
        "button": _("Correct the record"), "back": pilot.pk})
