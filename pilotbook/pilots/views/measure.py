"""Measuring a running pilot: upload rows or type in figures, see the analysis, record it as the result.

Every view gets its pilot through pilotbook.pilots.access, so only the owning council's members measure a
pilot; an analysis page is part of that council's working and never shown to other councils.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pilotbook.pilots import charts, measure
from pilotbook.pilots.access import changeable_pilot, visible_pilot_or_404
from pilotbook.pilots.measure_forms import ColumnsForm, ControlForm, RecordFromAnalysisForm, SummaryForm, UploadForm
from pilotbook.pilots.models import Analysis


def _purposes(pilot):
    left = measure.interim_looks_left(pilot)
    if not left:
        return None
    total = pilot.interim_looks
    return [("final", _("Final analysis: the pilot has finished collecting data"))] + [
        (f"interim-{n}", _("Interim look %(n)s of %(total)s") % {"n": n, "total": total}) for n in left
    ]


def _purpose(value: str | None) -> tuple[str, int | None]:
    if value and value.startswith("interim-"):
        return Analysis.Purpose.INTERIM, int(value.split("-", 1)[1])
    return Analysis.Purpose.FINAL, None


def _not_measurable(request, pilot):
    messages.error(request, _("Only a running pilot can be measured."))
    return redirect(pilot)


def measure_hub(request, pk: int):
    pilot = changeable_pilot(request, pk)
    return render(request, "pilots/measure/hub.html", {
        "pilot": pilot,
        "measurable": measure.measurable(pilot),
        "summary_possible": measure.engine_kind(pilot) != "time-to-event"
        and measure.engine_design(pilot) == "individual",
        "analyses": pilot.analyses.select_related("created_by"),
        "looks_left": measure.interim_looks_left(pilot),
    })


def measure_upload(request, pk: int):
    pilot = changeable_pilot(request, pk)
    if not measure.measurable(pilot):
        return _not_measurable(request, pilot)
    form = UploadForm(request.POST or None, request.FILES or None, purposes=_purposes(pilot))
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload = measure.upload_receive(pilot=pilot, user=request.user, filename=upload_file.name,
                                            content=upload_file.read())
        except measure.MeasureError as exc:
            form.add_error("file", exc.message)
        else:
            upload.mapping = {"purpose": form.cleaned_data.get("purpose", "final")}
            upload.save(update_fields=["mapping"])
            return redirect("measure-columns", pk=pilot.pk, token=upload.token)
    return render(request, "pilots/measure/upload.html", {"pilot": pilot, "form": form, "error_forms": [form]})


def _upload_or_restart(request, pilot, token):
    try:
        return measure.pending_upload(pilot=pilot, user=request.user, token=token)
    except measure.MeasureError as exc:
        messages.error(request, exc.message)
        return None


def measure_columns(request, pk: int, token: str):
    pilot = changeable_pilot(request, pk)
    if not measure.measurable(pilot):
        return _not_measurable(request, pilot)
    upload = _upload_or_restart(request, pilot, token)
    if upload is None:
        return redirect("measure-upload", pk=pilot.pk)
    # The person's own earlier answers (back from the comparison page) over what the headings suggest.
    initial = {**measure.suggested_columns(upload, pilot),
               **{role: column for role, column in upload.mapping.items() if column in upload.columns}}
    form = ColumnsForm(request.POST or None, initial=initial or None, columns=upload.columns,
                       roles=measure.needed_roles(pilot))
    if request.method == "POST" and form.is_valid():
        upload.mapping = {**upload.mapping, **{k: v for k, v in form.cleaned_data.items() if v}}
        upload.save(update_fields=["mapping"])
        return redirect("measure-control", pk=pilot.pk, token=upload.token)
    return render(request, "pilots/measure/columns.html",
                  {"pilot": pilot, "form": form, "error_forms": [form], "upload": upload})


def measure_control(request, pk: int, token: str):
    pilot = changeable_pilot(request, pk)
    if not measure.measurable(pilot):
        return _not_measurable(request, pilot)
    upload = _upload_or_restart(request, pilot, token)
    if upload is None:
        return redirect("measure-upload", pk=pilot.pk)
    if "arm" not in upload.mapping:
        return redirect("measure-columns", pk=pilot.pk, token=upload.token)
    problem = None
    try:
        labels = measure.group_labels(upload, upload.mapping["arm"])
    except measure.MeasureError as exc:
        labels, problem = [], exc.message
    form = ControlForm(request.POST or None, labels=labels)
    if problem:
        pass
    elif len(labels) < 2:
        problem = _("The column '%(column)s' has only one group in it. Choose the column that says which group "
                    "each row was in.") % {"column": upload.mapping["arm"]}
    elif request.method == "POST" and form.is_valid():
        purpose, look = _purpose(upload.mapping.get("purpose"))
        mapping = {**upload.mapping, "control": form.cleaned_data["control"]}
        mapping.pop("purpose", None)
        try:
            analysis = measure.upload_analyse(upload=upload, user=request.user, mapping=mapping,
                                              purpose=purpose, look_number=look)
        except measure.MeasureError as exc:
            problem = exc.message
        else:
            return redirect(analysis)
    return render(request, "pilots/measure/control.html", {
        "pilot": pilot, "form": form, "error_forms": [form], "upload": upload, "problem": problem,
        "columns_url_token": upload.token})


def measure_summary(request, pk: int):
    pilot = changeable_pilot(request, pk)
    if not measure.measurable(pilot):
        return _not_measurable(request, pilot)
    form = SummaryForm(request.POST or None, kind=pilot.outcome_kind, purposes=_purposes(pilot))
    problem = None
    if request.method == "POST" and form.is_valid():
        groups = form.cleaned_data["groups"]
        purpose, look = _purpose(form.cleaned_data.get("purpose"))
        try:
            analysis = measure.summary_analyse(pilot=pilot, user=request.user, groups=groups,
                                               control=groups[0]["label"], purpose=purpose, look_number=look)
        except measure.MeasureError as exc:
            problem = exc.message
        else:
            return redirect(analysis)
    return render(request, "pilots/measure/summary.html",
                  {"pilot": pilot, "form": form, "error_forms": [form], "problem": problem})


def analysis_detail(request, pk: int, analysis_pk: int):
    pilot = changeable_pilot(request, pk)
    analysis = get_object_or_404(Analysis, pk=analysis_pk, pilot=pilot)
    arms = [c["arm"] for c in analysis.output["comparisons"]]
    form = RecordFromAnalysisForm(request.POST if request.method == "POST" else None, arms=arms)
    can_record = analysis.purpose == Analysis.Purpose.FINAL and measure.measurable(pilot)
    if request.method == "POST" and can_record and form.is_valid():
        try:
            measure.analysis_record_result(analysis=analysis, user=request.user,
                                           arm=form.cleaned_data.get("arm"), summary=form.cleaned_data["summary"])
        except measure.MeasureError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Result recorded. Check the verdict, then publish it."))
            return redirect(pilot)
    return render(request, "pilots/measure/analysis.html", {
        "pilot": pilot, "analysis": analysis, "form": form, "error_forms": [form], "can_record": can_record,
        "report": charts.analysis_report(pilot, analysis.output),
    })


def pilot_report(request, pk: int):
    """The result as a printable report for a committee: plan, registration record and result."""
    from pilotbook.pilots import presenters

    pilot = visible_pilot_or_404(request, pk)
    result = getattr(pilot, "result", None) if pilot.result_shown_to(request.user) else None
    return render(request, "pilots/report.html", {
        "pilot": pilot, "result": result, "rows": presenters.plan_rows(pilot),
        "result_view": charts.result_view(pilot, result) if result else None,
        "now_date": date_format(timezone.localdate(), "j F Y"), "page_url": request.build_absolute_uri(),
    })
