"""The evidence app's forms: the search's words and facets (checked for the page and its downloads), and the
pooled groups' forms (the meta-analysis method on a group's page, a group's title and outcome, the pilot a
moderator adds to a group)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbook.councils.models import Council, nation_values
from pilotbook.pilots.choices import Design, InterventionType, ServiceArea, Verdict
from pilotbook.pilots.countries import countries
from pilotbook.pilots.models import Pilot
from pilotbook.web.forms import MAX_QUERY_LENGTH, QUERY_TOO_LONG, GovukFormMixin, LinkParametersMixin

from . import selectors
from .models import PooledGroup

FACETS = {
    "service_area": ("service_area", ServiceArea, gettext_lazy("Service area")),
    "intervention_type": ("intervention_type", InterventionType, gettext_lazy("Type of change")),
    "verdict": ("result__verdict", Verdict, gettext_lazy("Verdict")),
    "design": ("design", Design, gettext_lazy("Design")),
    "nation": ("nation", None, gettext_lazy("Nation")),
    "council_type": ("authority_type_name", None, gettext_lazy("Council type")),
    "organisation": ("organisation", None, gettext_lazy("Organisation")),
    "country": ("country", None, gettext_lazy("Country")),
    "year": ("published_at__year", None, gettext_lazy("Year published")),
}
# Facets on the councils that ran a pilot (the field is the council's): a case study several ran is under each.
COUNCIL_FACETS = {"nation", "council_type"}
# Facets that could narrow down a withheld council's name (an organisation named beside a council could).
IDENTIFYING = {"nation", "council_type", "organisation", "country"}


def _council_types():
    return [(t, t) for t in Council.objects.order_by().values_list("authority_type_name", flat=True).distinct()]


def _organisations():
    return [(o, o) for o in Pilot.objects.exclude(organisation="").order_by().values_list("organisation", flat=True)
            .distinct()]


def _countries():
    return list(countries().items())


_NO_SUCH_VALUE = gettext_lazy("there is no such value here; choose one under \u201cNarrow the results\u201d")


def _facet_field(name: str) -> forms.Field:
    """The facet's parameter, checked: one of its choices, or for the year a whole number from 1 to 9999."""
    if name == "year":
        message = gettext_lazy("enter a year as four digits, such as 2026")
        return forms.IntegerField(label=FACETS[name][2], required=False, min_value=1, max_value=9999,
                                  widget=forms.HiddenInput,
                                  error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message))
    choices = FACETS[name][1]
    if name == "nation":
        choices = lambda: [(n, n) for n in nation_values()]  # noqa: E731 (evaluated only when a value is given)
    elif name == "council_type":
        choices = _council_types
    elif name == "organisation":
        choices = _organisations
    elif name == "country":
        choices = _countries
    else:
        choices = choices.choices
    return forms.ChoiceField(label=FACETS[name][2], required=False, choices=choices, widget=forms.HiddenInput,
                             error_messages={"invalid_choice": _NO_SUCH_VALUE})


class SearchForm(LinkParametersMixin, GovukFormMixin, forms.Form):
    """The words searched for, and the facets chosen from the links beside the results (kept as hidden fields).

    Every value is checked here, for the page and its downloads alike: a facet value that is not one of the
    facet's own is named at the top of the page (and makes the download a 400), never passed to the database.
    """

    q = forms.CharField(label=gettext_lazy("Search published pilots"), required=False, max_length=MAX_QUERY_LENGTH,
                        error_messages={"max_length": gettext_lazy(QUERY_TOO_LONG)},
                        help_text=gettext_lazy("Describe the idea in your own words, for example "
                                               "'text people before bin day'."))

    link_fields = tuple(FACETS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FACETS:
            self.fields[name] = _facet_field(name)

    def facets(self) -> dict[str, str]:
        """The valid facet filters, as the text of their values."""
        data = self.cleaned_data if self.is_bound else {}
        return {name: str(data[name]) for name in FACETS if data.get(name) not in (None, "")}


METHODS = [("REML", gettext_lazy("Random effects, REML (recommended)")),
           ("DL", gettext_lazy("Random effects, DerSimonian-Laird")),
           ("FE", gettext_lazy("Fixed effect (assumes one true effect everywhere)"))]


class MethodForm(GovukFormMixin, forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=METHODS, widget=forms.RadioSelect,
                               required=False, initial="REML")
    hksj = forms.BooleanField(label=gettext_lazy("Hartung-Knapp adjustment (more cautious with few pilots)"),
                              required=False)

    def clean(self):
        data = super().clean()
        if data.get("method") == "FE" and data.get("hksj"):
            self.add_error("hksj", _("The Hartung-Knapp adjustment is for random-effects methods: choose REML or "
                                     "DerSimonian-Laird, or untick it"))
        return data


class GroupForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PooledGroup
        fields = ["title", "description", "intervention_type", "service_area", "outcome", "measure"]
        widgets = {"measure": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": gettext_lazy("Enter a title for the group")},
                          "outcome": {"required": gettext_lazy("Describe the outcome the pilots share")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("intervention_type", "service_area"):  # the model's choices, with a readable blank
            self.fields[name].choices = [("", _("Any")), *PooledGroup._meta.get_field(name).choices]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if PooledGroup.objects.filter(title__iexact=title).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a group called “%(title)s”: give this one a title "
                                          "that tells them apart") % {"title": title})
        return title


class AddPilotForm(GovukFormMixin, forms.Form):
    pilot = forms.ChoiceField(label=gettext_lazy("Pilot to add"),
                              error_messages={"required": gettext_lazy("Choose a pilot to add")})
    note = forms.CharField(label=gettext_lazy("Why it belongs (optional)"), required=False, max_length=300)

    def __init__(self, *args, group: PooledGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].choices = [("", _("Choose one"))] + [
            (p.pk, f"{p.title} ({', '.join(filter(None, (p.ran_by(), p.get_outcome_kind_display())))})")
            for p in selectors.pilots_addable_to(group)]
