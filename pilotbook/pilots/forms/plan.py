"""The question pages of pilot registration, one small form per step.

Each step is a small ModelForm over some plan fields; the same step forms serve drafting (no reason
needed) and amending a frozen plan (AmendmentDetailsForm adds the reason and the results-seen question).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.pilots.choices import MSMS_LEVEL, Design, StoppingRule
from pilotbook.pilots.models import Pilot
from pilotbook.web.forms import GovukDateField, GovukFormMixin

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


def form_fields(form) -> dict:
    """What a question page's form saves: its model fields."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}
