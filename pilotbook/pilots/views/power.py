"""The power calculator: how many people a pilot needs, what a planned sample can show, and how many councils
would need to run it together. A GET form, so an answer can be bookmarked or shared; nothing is stored."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from pilotbook.pilots.choices import Design, OutcomeKind
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.power_forms import PowerForm
from pilotbook.stats import power as engine
from pilotbook.stats import shares


def _initial_from_pilot(request) -> dict:
    """Start from a pilot's plan when the link came from one the person may see."""
    try:
        pk = int(request.GET.get("pilot", ""))
    except ValueError:
        return {}
    pilot = Pilot.objects.visible_to(request.user).filter(pk=pk).first()
    if pilot is None:
        return {}
    worthwhile = pilot.worthwhile_effect.normalize() if pilot.worthwhile_effect else None
    if worthwhile is not None and pilot.outcome_kind == OutcomeKind.BINARY and worthwhile < 1:
        # The plan's effect is in percentage points: said so, it is not read as a fraction beside a rate of 0.30.
        worthwhile = f"{worthwhile} pp"
    initial = {"kind": pilot.outcome_kind, "better": pilot.better_direction, "worthwhile": worthwhile,
               "alpha": 0.05, "power": 0.8,
               "design": "cluster" if pilot.design == Design.RANDOMISED_CLUSTER else "individual"}
    return {k: v for k, v in initial.items() if v not in (None, "")}


def power_calculator(request):
    asked = "kind" in request.GET
    form = PowerForm(request.GET if asked else None,
                     initial={"alpha": 0.05, "power": 0.8, "design": "individual", **_initial_from_pilot(request)})
    answer = None
    if asked and form.is_valid():
        data = form.cleaned_data
        outcome, worthwhile, design = data["outcome"], data["engine_worthwhile"], data["engine_design"]
        settings = {"alpha": data.get("engine_alpha") or 0.05}
        target_power = data.get("engine_power") or 0.8
        try:
            answer = {"sample": engine.sample_size(outcome, worthwhile, power=target_power, design=design, **settings),
                      "read_as": data["read_as"]}
            answer["warnings"] = data["warnings"] + shares.warnings(per_group=answer["sample"].per_group)
            if data.get("planned"):
                mde = engine.minimum_detectable_effect(outcome, data["planned"], power=target_power, design=design,
                                                       **settings)
                answer["planned"] = data["planned"]
                answer["mde"] = mde.effect * 100 if data["kind"] == OutcomeKind.BINARY else mde.effect
                answer["mde_explanation"] = mde.explanation
                answer["power_at_planned"] = engine.power_for_sample(outcome, worthwhile, data["planned"],
                                                                     design=design, **settings).power
            if data.get("per_council"):
                answer["councils"] = engine.councils_needed(outcome, worthwhile, people_per_council=data["per_council"],
                                                            icc=data.get("council_icc") or 0.0, power=target_power,
                                                            **settings)
        except engine.PowerInputError as exc:
            form.add_error(None, str(exc))
            answer = None
    return render(request, "pilots/power.html", {
        "form": form, "error_forms": [form] if asked else [], "answer": answer,
        "title": _("Power calculator"), "pilot_pk": request.GET.get("pilot", ""),
    })
