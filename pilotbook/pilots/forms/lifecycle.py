"""The forms for a pilot's lifecycle after registration: ending early, publishing its lessons, its result and
who sees it."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pilotbook.pilots.choices import FailureReason, Status, Verdict, Visibility
from pilotbook.pilots.models import LESSON_MAX_LENGTH, Pilot
from pilotbook.web.forms import GovukDateField, GovukFormMixin

from .plan import RADIO, VisibilityForm


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the reason")},
    )


class EndEarlyForm(ReasonForm):
    status = forms.ChoiceField(
        label=_("What is happening to the pilot?"),
        widget=RADIO,
        choices=[
            (Status.WITHDRAWN, _("Withdrawn: it will not go ahead or will not be evaluated")),
            (Status.STOPPED_EARLY, _("Stopped early: it ran for a while but is ending before its planned end")),
        ],
        error_messages={"required": _("Select what is happening to the pilot")},
    )
    failure_reason = forms.ChoiceField(
        label=_("If it is stopping early, what is the main reason?"), widget=RADIO, required=False,
        choices=FailureReason.choices,
        help_text=_("This puts it in the \"what didn't work\" register, so other councils can learn from it."),
    )
    field_order = ["status", "reason", "failure_reason"]

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.STOPPED_EARLY and not data.get("failure_reason"):
            self.add_error("failure_reason", _("Select the main reason the pilot is stopping early"))
        if data.get("status") == Status.WITHDRAWN:
            data["failure_reason"] = ""
        return data


def lesson_field(label, required_message=None, **kwargs) -> forms.CharField:
    """One short part of the lessons: a textarea of at most LESSON_MAX_LENGTH characters."""
    # format_lazy keeps the message translatable; "%(show_value)s" is filled in by Django's length check.
    messages = {"max_length": format_lazy(_("{label} must be {most} characters or fewer (it has %(show_value)s), "
                                            "so others can read it quickly"),
                                          label=label, most=f"{LESSON_MAX_LENGTH:,}")}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=LESSON_MAX_LENGTH,
                           error_messages=messages, **kwargs)


class PublishForm(GovukFormMixin, forms.Form):
    """Publishing: lessons learned in a fixed short format, why it did not work, and who sees it when."""

    lessons_aim = lesson_field(_("What we set out to do"), _("Enter what you set out to do"))
    lessons_happened = lesson_field(_("What happened"), _("Enter what happened"))
    lessons_why = lesson_field(_("Why"), _("Enter why you think it happened"),
                               help_text=_("Why you think it turned out this way."))
    lessons_differently = lesson_field(_("What we would do differently"), _("Enter what you would do differently"))
    failure_reason = forms.ChoiceField(label=_("What is the main reason it did not work?"), widget=RADIO,
                                       choices=FailureReason.choices, required=False)
    failure_detail = lesson_field(_("More about the reason (optional)"), required=False)
    visibility = forms.ChoiceField(label=_("Who may see the published result?"), widget=RADIO,
                                   choices=Visibility.choices,
                                   error_messages={"required": _("Select who may see the result")})
    embargo_until = GovukDateField(
        label=_("Embargo until (optional)"), required=False,
        help_text=_("To hold the result back, for example until a committee has seen it. Until then only your "
                    "council and platform moderators see the result and the lessons; others who may see the pilot "
                    "see its plan and the date the result will be released. For example 27 3 2027."))

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.pilot = pilot
        verdict = pilot.result.verdict
        self.failure_required = verdict in (Verdict.NO_WORTHWHILE_EFFECT, Verdict.MADE_WORSE)
        if verdict == Verdict.WORKED:
            del self.fields["failure_reason"], self.fields["failure_detail"]
        elif self.failure_required:
            self.fields["failure_reason"].help_text = _(
                "Required because the verdict is \"%(verdict)s\". It puts the pilot in the \"what didn't work\" "
                "register, which other councils search before they start."
            ) % {"verdict": pilot.result.get_verdict_display()}
        else:
            self.fields["failure_reason"].label = _("If you think you know why it was inconclusive, the main reason")

    def clean(self):
        data = super().clean()
        if self.failure_required and not data.get("failure_reason") and "failure_reason" not in self.errors:
            self.add_error("failure_reason", _("Select the main reason the pilot did not work"))
        return data


class FiniteDecimalField(forms.DecimalField):
    """A decimal that refuses NaN and infinity as "not a number", like text.

    Django's own check for them formats the message with the value; messages here already name the field, and a
    label such as "95% confidence interval" would then be read as a format ("% c") and fail.
    """

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ResultForm(GovukFormMixin, forms.Form):
    """The headline effect from the council's own analysis (upload and analysis in Pilotbook come later)."""

    estimate = FiniteDecimalField(label=_("Effect"), max_digits=14, decimal_places=4)
    ci_low = FiniteDecimalField(label=_("95% confidence interval: lower end"), max_digits=14, decimal_places=4)
    ci_high = FiniteDecimalField(label=_("95% confidence interval: upper end"), max_digits=14, decimal_places=4)
    sample_size = forms.IntegerField(label=_("Sample analysed"), min_value=1, required=False)
    method = forms.CharField(label=_("Method"), required=False, max_length=200,
                             help_text=_("For example 'Welch t-test on days to contact'."))
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    input_widths = {"estimate": "govuk-input--width-10", "ci_low": "govuk-input--width-10",
                    "ci_high": "govuk-input--width-10", "sample_size": "govuk-input--width-10"}

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        unit = pilot.outcome_unit
        self.fields["estimate"].help_text = _(
            "The pilot group minus the comparison group, in %(unit)s. A negative number means the outcome went down."
        ) % {"unit": unit}
        for name in ("estimate", "ci_low", "ci_high"):
            self.fields[name].widget.attrs["suffix"] = unit
            self.fields[name].error_messages.update(
                required=_("Enter the %(label)s") % {"label": str(self.fields[name].label).lower()},
                invalid=_("%(label)s must be a number, like 2.5 or -10") % {"label": self.fields[name].label},
            )

    def clean(self):
        data = super().clean()
        low, estimate, high = data.get("ci_low"), data.get("estimate"), data.get("ci_high")
        if None not in (low, estimate, high) and not low <= estimate <= high:
            self.add_error("estimate", _("The effect must lie between the lower and upper ends of its interval"))
        return data


class SharingForm(VisibilityForm):
    pass
