"""Moving a pilot along its lifecycle: start, end early, record the result, publish, choose who may see it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pilotbook.pilots import services
from pilotbook.pilots.access import changeable_pilot
from pilotbook.pilots.choices import Status
from pilotbook.pilots.forms import EndEarlyForm, PublishForm, ResultForm, SharingForm


def _confirm(request, pk: int, *, action, title: str, body: str, button: str, done: str):
    """A confirmation page whose POST runs one service function."""
    pilot = changeable_pilot(request, pk)
    error = None
    if request.method == "POST":
        try:
            action(pilot=pilot, user=request.user)
        except services.PilotStateError as exc:
            error = exc.message
        else:
            messages.success(request, done)
            return redirect(pilot)
    return render(request, "pilots/confirm.html",
                  {"pilot": pilot, "title": title, "body": body, "button": button, "error": error})


def pilot_start(request, pk: int):
    return _confirm(
        request, pk, action=services.pilot_start,
        title=_("Start the pilot"),
        body=_("Starting records that the change is now being tried. The plan stays frozen; any change to it "
               "will be an amendment with a reason."),
        button=_("Start the pilot"), done=_("Pilot started."),
    )


def pilot_publish(request, pk: int):
    pilot = changeable_pilot(request, pk)
    if pilot.status != Status.RESULTS_RECORDED:
        messages.error(request, _("Only a pilot with a recorded result can be published."))
        return redirect(pilot)
    form = PublishForm(request.POST or None, pilot=pilot, initial={"visibility": pilot.visibility})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pilot_publish(
                pilot=pilot, user=request.user,
                lessons={name: data[name] for name in services.LESSON_FIELDS},
                failure_reason=data.get("failure_reason", ""), failure_detail=data.get("failure_detail", ""),
                visibility=data["visibility"], embargo_until=data.get("embargo_until"))
        except services.PilotStateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Result published. Thank you for sharing it."))
            return redirect(pilot)
    return render(request, "pilots/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Publish the result"),
        "lede": _("Publishing adds the result and your lessons to the shared evidence base, whether or not the "
                  "change worked. Other councils learn as much from what did not work."),
        "button": _("Publish the result")})


def pilot_end_early(request, pk: int):
    pilot = changeable_pilot(request, pk)
    form = EndEarlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pilot_end_early(pilot=pilot, user=request.user, status=form.cleaned_data["status"],
                                     reason=form.cleaned_data["reason"],
                                     failure_reason=form.cleaned_data.get("failure_reason", ""))
        except services.PilotStateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The pilot is now %(status)s.") % {
                "status": Status(form.cleaned_data["status"]).label.lower()})
            return redirect(pilot)
    return render(request, "pilots/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Withdraw or stop the pilot early"),
        "lede": _("The pilot stays on the record with your reason, so others can learn from it."),
        "button": _("Confirm")})


def pilot_record_result(request, pk: int):
    pilot = changeable_pilot(request, pk)
    form = ResultForm(request.POST or None, pilot=pilot)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_record(pilot=pilot, user=request.user, **form.cleaned_data)
        except services.PilotStateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Result recorded. Check the verdict, then publish it."))
            return redirect(pilot)
    return render(request, "pilots/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Record the result"),
        "lede": _("Give the effect on the primary outcome, %(outcome)s, from your analysis, with its 95%% "
                  "confidence interval. Pilotbook works out the verdict from your registered smallest worthwhile "
                  "effect (%(worthwhile)s %(unit)s).") % {
            "outcome": pilot.outcome_name, "worthwhile": pilot.worthwhile_effect.normalize(),
            "unit": pilot.outcome_unit},
        "button": _("Record the result")})


def pilot_sharing(request, pk: int):
    pilot = changeable_pilot(request, pk)
    form = SharingForm(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        services.pilot_set_visibility(pilot=pilot, user=request.user, visibility=form.cleaned_data["visibility"])
        messages.success(request, _("Sharing updated."))
        return redirect(pilot)
    return render(request, "pilots/form_page.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "title": _("Who may see this pilot"),
        "lede": "", "button": _("Save")})
