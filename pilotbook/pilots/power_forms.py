"""The power calculator's question: what outcome, what effect is worth having, what design, how sure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.stats import power as engine
from pilotbook.stats import shares
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


def _figure(label, hint="", required=False):
    """A figure typed as text, so that 30%, 30 and 0.30 can all be read (pilotbook.stats.shares)."""
    field = forms.CharField(label=label, help_text=hint, required=required, max_length=40,
                            error_messages={"required": _("Enter %(label)s") % {"label": str(label).lower()}})
    field.widget.attrs["width_class"] = "govuk-input--width-10"
    return field


class PowerForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What kind of outcome is it?"), choices=OutcomeKind.choices,
                             widget=forms.RadioSelect, error_messages={"required": _("Select the kind of outcome")})
    better = forms.ChoiceField(label=_("Which direction is better?"), choices=BetterDirection.choices,
                               widget=forms.RadioSelect, required=False)
    worthwhile = _figure(_("Smallest effect worth having"), _(
        "Yes-or-no outcome: percentage points, for example 5 for 5 points (or 0.05 with a rate typed as a fraction, "
        "such as 0.30). Otherwise in the outcome's unit, for example days for a time until something happens (a "
        "difference in median days)."), required=True)
    control_rate = _figure(_("Expected rate in the comparison group"), _(
        "Yes-or-no outcome: the share expected without the change, as a percentage (30 or 30%) or a fraction "
        "(0.30). A number below 1 without a % sign is a fraction, so half of one percent is 0.5%. Count: events per "
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
    alpha = _figure(_("Significance level"), _("5% (or 0.05) unless you have a reason to change it."))
    power = _figure(_("Power"), _("The chance of showing the effect if it is real: 80% or 90% (or 0.8, 0.9)."))
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
    # (field, smallest, largest, message) for the figures read as shares.
    SETTINGS = (
        ("alpha", 0.001, 0.2, _("The significance level must be between 0.1% and 20%, for example 5% or 0.05")),
        ("power", 0.5, 0.99, _("Power must be between 50% and 99%, for example 80% or 0.8")),
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["read_as"], data["warnings"] = [], []
        for name in self.REQUIRED_FOR.get(kind, ()):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("Enter %(label)s for this kind of outcome")
                               % {"label": str(self.fields[name].label).lower()})
        self._read_figures(data, kind)
        if data.get("design") == "cluster":
            for name in ("icc", "cluster_size"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter %(label)s for a cluster design")
                                   % {"label": str(self.fields[name].label).lower()})
        if self.errors:
            return data
        try:
            data["outcome"] = self._outcome(data)
            data["engine_design"] = (engine.Cluster(icc=data["icc"], cluster_size=data["cluster_size"])
                                     if data.get("design") == "cluster" else engine.Individual())
        except engine.PowerInputError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def _read(self, data, name, reader, *args, **kwargs):
        """One typed figure read by `reader`, or None with the reader's message on the field."""
        if name in self.errors or data.get(name) in (None, ""):
            return None
        try:
            return reader(data[name], str(self.fields[name].label), *args, **kwargs)
        except shares.ShareError as exc:
            self.add_error(name, str(exc))
            return None

    def _read_figures(self, data, kind):
        """Rates and effects as the rule in pilotbook.stats.shares reads them, said back; settings likewise."""
        for name, low, high, message in self.SETTINGS:
            share = self._read(data, name, shares.read_share)
            data[f"engine_{name}"] = share.value if share else None
            if share and not low <= share.value <= high:
                self.add_error(name, message)
            elif share and share.how == "percent":
                data["read_as"].append(_("%(label)s taken as %(value)s (you typed %(typed)s).") % {
                    "label": self.fields[name].label, "value": share.percent, "typed": share.typed})
        if kind == OutcomeKind.BINARY:
            rate = self._read(data, "control_rate", shares.read_share)
            like = rate or shares.Share("", 0.0, "percent")
            effect = self._read(data, "worthwhile", shares.read_difference, like=like)
            problem = shares.rate_and_effect(rate, effect, data.get("better") or None) if rate else None
            if problem:
                self.add_error({"rate": "control_rate", "effect": "worthwhile"}[problem[0]], problem[1])
            if effect is not None and effect.value <= 0:
                self.add_error("worthwhile", _("The smallest effect worth having must be greater than 0"))
            if rate is not None and effect is not None and not self.errors:
                data["read_as"].insert(0, shares.read_back(rate, effect))
                data["warnings"] += shares.warnings(effect=effect)
            data["engine_rate"] = rate.value if rate else None
            data["engine_worthwhile"] = effect.value if effect else None
            return
        data["engine_rate"] = self._read(data, "control_rate", shares.plain_number)
        data["engine_worthwhile"] = self._read(data, "worthwhile", shares.plain_number)
        if data["engine_worthwhile"] is not None and data["engine_worthwhile"] <= 0:
            self.add_error("worthwhile", _("The smallest effect worth having must be greater than 0"))

    @staticmethod
    def _outcome(data):
        kind, better = data["kind"], data.get("better") or None
        if kind == OutcomeKind.BINARY:
            return engine.Binary(control_rate=data["engine_rate"], better=better)
        if kind == OutcomeKind.CONTINUOUS:
            return engine.Continuous(sd=data["sd"])
        if kind == OutcomeKind.COUNT:
            return engine.Count(control_rate=data["engine_rate"], better=better)
        # A shorter time is a negative difference; the engine takes the size and the better direction.
        return engine.TimeToEvent(control_median=data["control_median"], follow_up=data.get("follow_up"),
                                  better=better)
