"""The power calculator's question: what outcome, what effect is worth having, what design, how sure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.stats import power as engine
from pilotbook.web.forms import GovukFormMixin

from .choices import BetterDirection, OutcomeKind

DESIGNS = [("individual", _("Randomised by person or household")),
           ("cluster", _("Randomised by cluster (wards, rounds, schools)"))]


def _number(label, hint="", required=False, **kwargs):
    field = forms.FloatField(label=label, help_text=hint, required=required, **kwargs)
    field.error_messages.update(invalid=_("%(label)s must be a number") % {"label": label},
                                required=_("Enter %(label)s") % {"label": str(label).lower()})
    field.widget.attrs["width_class"] = "govuk-input--width-10"
    return field


class PowerForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What kind of outcome is it?"), choices=OutcomeKind.choices,
                             widget=forms.RadioSelect, error_messages={"required": _("Select the kind of outcome")})
    better = forms.ChoiceField(label=_("Which direction is better?"), choices=BetterDirection.choices,
                               widget=forms.RadioSelect, required=False)
    worthwhile = _number(_("Smallest effect worth having"), _(
        "In the outcome's unit: percentage points for a yes-or-no outcome (5 for 5 points), days for a time "
        "until something happens (a difference in median days)."), required=True, min_value=0)
    control_rate = _number(_("Expected rate in the comparison group"), _(
        "Yes-or-no outcome: the percentage expected without the change, for example 40. Count: events per "
        "person over the pilot, for example 0.8."))
    sd = _number(_("Standard deviation of the outcome"), _(
        "For a measurement: how much it varies between people, from last year's data."))
    control_median = _number(_("Median time in the comparison group"), _(
        "For a time until something happens: the typical time without the change, for example 45 days."))
    follow_up = _number(_("How long each person is followed (optional)"), _(
        "Leave empty if everyone is followed until the event happens."))
    design = forms.ChoiceField(label=_("How will people be allocated?"), choices=DESIGNS, widget=forms.RadioSelect,
                               initial="individual", required=False)
    icc = _number(_("Intra-cluster correlation (ICC)"), _(
        "For cluster designs: how alike people in the same cluster are, often 0.01 to 0.05."))
    cluster_size = _number(_("Average people per cluster"))
    alpha = _number(_("Significance level"), _("0.05 unless you have a reason to change it."), min_value=0.001,
                    max_value=0.2)
    power = _number(_("Power"), _("The chance of showing the effect if it is real: 0.8 or 0.9."), min_value=0.5,
                    max_value=0.99)
    alpha.error_messages.update(min_value=_("The significance level must be between 0.001 and 0.2, for example 0.05"),
                                max_value=_("The significance level must be between 0.001 and 0.2, for example 0.05"))
    power.error_messages.update(min_value=_("Power must be between 0.5 and 0.99, for example 0.8 (not 80)"),
                                max_value=_("Power must be between 0.5 and 0.99, for example 0.8 (not 80)"))
    planned = forms.IntegerField(label=_("Planned people in the comparison group (optional)"), required=False,
                                 min_value=2, help_text=_("To see the smallest effect this sample can show."))
    per_council = forms.IntegerField(
        label=_("People per council taking part, both groups (optional)"), required=False, min_value=2,
        help_text=_("To see how many councils of this size would need to run the pilot together."))
    council_icc = _number(_("How much councils differ (ICC between councils, optional)"), _(
        "0 if each council randomises its own residents and results are pooled; for example 0.01 if councils "
        "differ in how well the change works."), min_value=0, max_value=0.99)
    input_widths = {"planned": "govuk-input--width-10", "per_council": "govuk-input--width-10"}

    REQUIRED_FOR = {
        OutcomeKind.BINARY: ("control_rate",),
        OutcomeKind.CONTINUOUS: ("sd",),
        OutcomeKind.COUNT: ("control_rate",),
        OutcomeKind.TIME_TO_EVENT: ("control_median",),
    }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name in self.REQUIRED_FOR.get(kind, ()):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Enter %(label)s for this kind of outcome")
                               % {"label": str(self.fields[name].label).lower()})
        rate = data.get("control_rate")
        if kind == OutcomeKind.BINARY and rate is not None and not 0 < rate < 100:
            self.add_error("control_rate",
                           _("Enter the expected rate as a percentage between 0 and 100, for example 40"))
        if kind == OutcomeKind.BINARY and data.get("worthwhile") is not None and data["worthwhile"] >= 100:
            self.add_error("worthwhile", _("Enter the smallest worthwhile effect in percentage points, below 100"))
        if data.get("design") == "cluster":
            for name in ("icc", "cluster_size"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter %(label)s for a cluster design")
                                   % {"label": str(self.fields[name].label).lower()})
        if self.errors:
            return data
        try:
            data["outcome"] = self._outcome(data)
            data["engine_worthwhile"] = data["worthwhile"] / 100 if kind == OutcomeKind.BINARY else data["worthwhile"]
            data["engine_design"] = (engine.Cluster(icc=data["icc"], cluster_size=data["cluster_size"])
                                     if data.get("design") == "cluster" else engine.Individual())
        except engine.PowerInputError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    @staticmethod
    def _outcome(data):
        kind, better = data["kind"], data.get("better") or None
        if kind == OutcomeKind.BINARY:
            return engine.Binary(control_rate=data["control_rate"] / 100, better=better)
        if kind == OutcomeKind.CONTINUOUS:
            return engine.Continuous(sd=data["sd"])
        if kind == OutcomeKind.COUNT:
            return engine.Count(control_rate=data["control_rate"], better=better)
        # A shorter time is a negative difference; the engine takes the size and the better direction.
        return engine.TimeToEvent(control_median=data["control_median"], follow_up=data.get("follow_up"),
                                  better=better)
