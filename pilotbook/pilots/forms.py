"""The question pages of pilot registration, and the forms for each lifecycle step.

Each step is a small ModelForm over some plan fields; the same step forms serve drafting (no reason
needed) and amending a frozen plan (AmendmentForm adds the reason and the results-seen question).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukDateField, GovukFormMixin

from .choices import MSMS_LEVEL, Design, FailureReason, Status, StoppingRule, Verdict, Visibility
from .models import LESSON_MAX_LENGTH, Pilot

RADIO = forms.RadioSelect


class PlanStepForm(GovukFormMixin, forms.ModelForm):
    required_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].required = True
        for field in self.fields.values():
            if field.required:
                label = str(field.label).lower()
                field.error_messages["required"] = _("Enter %(label)s") % {"label": label}
                if isinstance(field.widget, (forms.RadioSelect, forms.Select)):
                    field.error_messages["required"] = _("Select %(label)s") % {"label": label}


class IdeaForm(PlanStepForm):
    required_fields = ("title", "problem", "change")

    class Meta:
        model = Pilot
        fields = ["title", "problem", "change"]
        labels = {"title": _("Title of the pilot")}
        help_texts = {
            "title": _("A short name other councils will recognise, for example 'Plain-English arrears letter'."),
            "problem": _("What is not working now, and for whom."),
            "change": _("What you will do differently in the pilot."),
        }


class CategoryForm(PlanStepForm):
    required_fields = ("service_area", "intervention_type")
    select_prompts = {"service_area": _("Choose a service area")}

    class Meta:
        model = Pilot
        fields = ["service_area", "intervention_type"]
        widgets = {"intervention_type": RADIO}
        help_texts = {"intervention_type": _("Choose the one that best describes the change.")}


class PartnersForm(PlanStepForm):
    class Meta:
        model = Pilot
        fields = ["partners"]
        help_texts = {
            "partners": _(
                "Organisations working with you, for example a bus operator, a pharmacy chain or a housing "
                "association. Leave blank if the council is working alone."
            )
        }


class HypothesisForm(PlanStepForm):
    required_fields = ("hypothesis",)

    class Meta:
        model = Pilot
        fields = ["hypothesis"]
        help_texts = {
            "hypothesis": _("What you expect to happen and why, for example 'A shorter letter will get tenants to "
                            "contact us sooner because they understand what to do'.")
        }


class OutcomeForm(PlanStepForm):
    required_fields = ("outcome_name", "outcome_unit", "outcome_kind", "better_direction")
    input_widths = {"outcome_unit": "govuk-input--width-20"}

    class Meta:
        model = Pilot
        fields = ["outcome_name", "outcome_unit", "outcome_kind", "better_direction"]
        widgets = {"outcome_kind": RADIO, "better_direction": RADIO}
        labels = {"outcome_name": _("Primary outcome"), "outcome_unit": _("Unit of the outcome")}
        help_texts = {
            "outcome_name": _("The one measure that will decide whether the pilot worked, for example "
                              "'days from first letter to contact'."),
            "outcome_unit": _("For example days, pounds, percentage points, complaints per 1,000 households."),
        }


class WorthwhileForm(PlanStepForm):
    required_fields = ("worthwhile_effect",)
    input_widths = {"worthwhile_effect": "govuk-input--width-10"}

    class Meta:
        model = Pilot
        fields = ["worthwhile_effect", "secondary_outcomes"]
        labels = {"worthwhile_effect": _("Smallest effect worth having")}
        help_texts = {
            "worthwhile_effect": _(
                "The smallest improvement, in the outcome's unit, that would make the change worth keeping. "
                "For a yes-or-no outcome give percentage points, for example 5 for 5 points."
            ),
            "secondary_outcomes": _("Other things you will look at, one per line. They will not decide the verdict."),
        }

    def clean_worthwhile_effect(self):
        value = self.cleaned_data["worthwhile_effect"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The smallest effect worth having must be greater than 0"))
        return value


def _design_choices():
    for value, label in Design.choices:
        level = MSMS_LEVEL[value]
        rating = _("evidence level %(level)s of 5") % {"level": level} if level else _("evidence level not rated")
        yield value, f"{label} ({rating})"


class DesignForm(PlanStepForm):
    required_fields = ("design",)

    class Meta:
        model = Pilot
        fields = ["design"]
        widgets = {"design": RADIO}
        help_texts = {
            "design": _("How you will tell what the change did. The level is the Maryland Scientific Methods "
                        "Scale: 5 is randomised, the strongest; 1 is before and after only, the weakest.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["design"].choices = list(_design_choices())


MAX_INTERIM_LOOKS = 5


class SampleForm(PlanStepForm):
    required_fields = ("planned_sample", "stopping_rule")
    input_widths = {"planned_sample": "govuk-input--width-10", "planned_clusters": "govuk-input--width-5",
                    "interim_looks": "govuk-input--width-2"}

    class Meta:
        model = Pilot
        fields = ["planned_sample", "planned_clusters", "stopping_rule", "interim_looks"]
        widgets = {"stopping_rule": RADIO}
        labels = {"planned_sample": _("Planned sample"), "planned_clusters": _("Planned number of clusters"),
                  "stopping_rule": _("Will you look at the results before the end?"),
                  "interim_looks": _("How many looks before the final analysis?")}
        help_texts = {
            "planned_sample": _("How many people, households or cases in total, across every group."),
            "planned_clusters": _("Only for designs randomised by cluster: how many wards, rounds or schools."),
            "stopping_rule": _("Looking early is fine when planned now: the rule keeps the chance of a false "
                               "'worked' at 2.5% however many looks you take."),
            "interim_looks": _("Only with a stopping rule: 1 to 5, spread evenly through the pilot."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interim_looks"].required = False  # blank means none; _clean_looks checks it against the rule
        self.fields["stopping_rule"].error_messages["required"] = _(
            "Select whether you will look at the results before the end")

    def clean(self):
        data = super().clean()
        if self.instance.design == Design.RANDOMISED_CLUSTER and not data.get("planned_clusters"):
            self.add_error("planned_clusters", _("Enter the planned number of clusters for a cluster design"))
        if data.get("planned_sample") is not None and data["planned_sample"] < 2:
            self.add_error("planned_sample", _("A pilot needs a planned sample of at least 2"))
        self._clean_looks(data)
        return data

    def _clean_looks(self, data):
        rule, looks = data.get("stopping_rule"), data.get("interim_looks")
        if rule == StoppingRule.NONE:
            data["interim_looks"] = 0  # no rule, no looks: a stray number here would mean nothing
        elif rule and not looks:
            self.add_error("interim_looks", _("Enter how many interim looks you plan, from 1 to 5"))
        elif rule and looks > MAX_INTERIM_LOOKS:
            self.add_error("interim_looks", _("Plan at most 5 interim looks"))


class DatesForm(PlanStepForm):
    start_date = GovukDateField(label=_("Start date"), help_text=_("For example, 27 3 2026"))
    end_date = GovukDateField(label=_("End date"), help_text=_("The last day the change is tried."))
    results_due_date = GovukDateField(
        label=_("Results due"),
        required=False,
        help_text=_("When you will report the result. Leave blank for 12 weeks after the end date."),
    )
    required_fields = ("start_date", "end_date")

    class Meta:
        model = Pilot
        fields = ["start_date", "end_date", "results_due_date"]

    def clean(self):
        data = super().clean()
        start, end, due = data.get("start_date"), data.get("end_date"), data.get("results_due_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be the same as or after the start date"))
        if end and due and due < end:
            self.add_error("results_due_date", _("Results cannot be due before the pilot ends"))
        # A blank due date is filled in as 12 weeks after the end by pilotbook.pilots.services.
        return data


class CostsForm(PlanStepForm):
    input_widths = {"setup_cost": "govuk-input--width-10", "running_cost": "govuk-input--width-10",
                    "value_per_outcome": "govuk-input--width-10"}

    class Meta:
        model = Pilot
        fields = ["setup_cost", "running_cost", "value_per_outcome"]
        labels = {"setup_cost": _("Set-up cost"), "running_cost": _("Running cost for the whole pilot"),
                  "value_per_outcome": _("What one unit of improvement is worth")}
        help_texts = {
            "setup_cost": _("In pounds, including staff time. Leave blank if not known."),
            "running_cost": _("In pounds. Leave blank if not known."),
            "value_per_outcome": _(
                "In pounds, for one person: for example £40 for each extra resident who pays on time, or £3 for "
                "each day sooner. With the costs, this gives the cost per extra success and the net saving. "
                "Leave blank if not known."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs["prefix"] = "£"
            self.fields[name].min_value = 0
            self.fields[name].validators.append(_not_negative)


def _not_negative(value):
    if value is not None and value < 0:
        raise forms.ValidationError(_("Costs cannot be negative"))


class VisibilityForm(PlanStepForm):
    class Meta:
        model = Pilot
        fields = ["visibility"]
        widgets = {"visibility": RADIO}
        labels = {"visibility": _("Who may see this pilot once it is registered?")}
        help_texts = {"visibility": _("Drafts are only ever seen by your council. You can change this later.")}


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[PlanStepForm]
    in_plan: bool = True  # visibility is a sharing choice, not an amendment to the plan


STEPS: tuple[Step, ...] = (
    Step("idea", _("The idea"), IdeaForm),
    Step("category", _("Service area and type of change"), CategoryForm),
    Step("partners", _("Partners"), PartnersForm),
    Step("hypothesis", _("What you expect to happen"), HypothesisForm),
    Step("outcome", _("Primary outcome"), OutcomeForm),
    Step("worthwhile", _("Smallest effect worth having"), WorthwhileForm),
    Step("design", _("Design"), DesignForm),
    Step("sample", _("Planned sample"), SampleForm),
    Step("dates", _("Dates"), DatesForm),
    Step("costs", _("Costs"), CostsForm),
    Step("visibility", _("Who may see it"), VisibilityForm, in_plan=False),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def next_step(slug: str) -> Step | None:
    slugs = [step.slug for step in STEPS]
    position = slugs.index(slug) + 1
    return STEPS[position] if position < len(STEPS) else None


class CouncilChoiceForm(GovukFormMixin, forms.Form):
    """Asked first only of people who belong to more than one council."""

    council = forms.ChoiceField(label=_("Which council is running this pilot?"), widget=RADIO)

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.code, c.name) for c in councils]
        self.fields["council"].error_messages["required"] = _("Select the council running this pilot")


class AmendmentDetailsForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This is shown on the pilot page with the change."),
        error_messages={"required": _("Enter the reason for the change")},
    )
    results_seen = forms.TypedChoiceField(
        label=_("Had you or your team seen any outcome data when you decided on this change?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=RADIO,
        help_text=_("Be honest: changes made after seeing results are marked as such, which is fine when explained."),
        error_messages={"required": _("Select whether you had seen any outcome data")},
    )


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
