"""The query parameters of every read-API endpoint and export, checked one way, in one place.

Each endpoint's parameters are a Django form below; `checked(params, form_class)`:
- refuses a parameter the endpoint does not take, naming it (a mistyped filter would otherwise return everything);
- refuses a parameter given more than once (which of the values was meant?);
- reads a choice without regard to case (`council=hom` is HOM, `nation=wales` is Wales, `status=PUBLISHED`);
- then has the form check every value; a choice that is not one of the parameter's own names its allowed values.
Any problem is BadParameters, answered as a 400 problem+json naming each parameter (pilotbook.web.problems).

pilotbook.api.openapi documents each endpoint's query parameters from the same forms (`query_parameters`), so the
OpenAPI document lists every parameter and every allowed value the API accepts, and nothing else.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council, nation_values
from pilotbook.evidence.forms import SearchForm
from pilotbook.pilots.forms import PilotFilterForm

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
LISTED_CHOICES = 12  # at most this many allowed values in a message; the OpenAPI document lists them all


class BadParameters(Exception):
    """Parameters that are not the endpoint's, or whose values are not allowed: {name: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _council_choices():
    return list(Council.objects.order_by("code").values_list("code", "name"))


def _nation_choices():
    return [(nation, nation) for nation in nation_values()]


class PilotParameters(PilotFilterForm):
    """The browse page's filters for the API and the pilots export. A council is any council's code (the page's
    list shows only councils with pilots to see); filtering by council or nation leaves out pilots whose council
    is withheld from the reader, so a code with none to show answers an empty list, never a 400 that would tell."""

    descriptions = {
        "q": "Words to search for, as on the evidence page: ranked best first, published results only.",
        "nation": "Nation of the council, or of any of the councils of a case study several ran (pilots whose "
                  "council is withheld from you are left out).",
        "council": "Three-letter council code, as /api/councils/ lists them: its pilots and the case studies it ran "
                   "with other councils (pilots whose council is withheld from you are left out).",
    }

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)  # not the page's: its council list is built for a drop-down
        self.fields["council"].choices = _council_choices
        self.fields["nation"].choices = _nation_choices


class PilotListParameters(PilotParameters):
    page = forms.IntegerField(required=False, min_value=1, initial=1, help_text=_("Page number, from 1."))
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, initial=DEFAULT_PAGE_SIZE,
                                   help_text=_("Pilots per page."))


class CouncilListParameters(forms.Form):
    nation = forms.ChoiceField(required=False, choices=_nation_choices,
                               help_text=_("England, Northern Ireland, Scotland or Wales."))


class EvidenceParameters(SearchForm):
    """The evidence search's words and facets, for its export: a value that is not allowed is named by its
    parameter (the page names it by the facet's label, as there is no box to mark)."""

    link_fields = ()


class NoParameters(forms.Form):
    """An endpoint that takes no query parameters: any given is named as not one of its own."""


def _canonical(params: QueryDict, form: forms.Form) -> QueryDict:
    """The parameters with each choice spelt as the choice itself, whatever the case it was given in."""
    data = params.copy()
    for name, field in form.fields.items():
        if isinstance(field, forms.ChoiceField) and data.get(name):
            given = data[name]
            spelt = {str(value).casefold(): str(value) for value, _label in field.choices if value != ""}
            data[name] = spelt.get(given.casefold(), given)
    return data


def _choice_message(field: forms.ChoiceField, value: str) -> str:
    allowed = [str(v) for v, _label in field.choices if v != ""]
    shown = ", ".join(allowed[:LISTED_CHOICES]) + (f" and {len(allowed) - LISTED_CHOICES} more (the OpenAPI document "
                                                   "lists them all)" if len(allowed) > LISTED_CHOICES else "")
    return f"{value[:60]!r} is not one of its values: {shown}."


def checked(params: QueryDict, form_class: type[forms.Form], **kwargs) -> forms.Form:
    """The bound, valid form for these parameters, or BadParameters naming every problem (see the module)."""
    form = form_class(params, **kwargs)
    errors: dict[str, list[str]] = {}
    for name in params:
        if name not in form.fields:
            errors[name] = ["Not a parameter of this address; it takes: "
                            + (", ".join(form.fields) or "none") + "."]
        elif len(params.getlist(name)) > 1:
            errors[name] = ["Given more than once; give it once."]
    form.data = _canonical(params, form)
    if not form.is_valid():
        for name, problems in form.errors.as_data().items():
            field = form.fields.get(name)
            errors.setdefault(name, []).extend(
                _choice_message(field, form.data[name]) if isinstance(field, forms.ChoiceField)
                and problem.code == "invalid_choice" else " ".join(problem.messages)
                for problem in problems)
    if errors:
        raise BadParameters(errors)
    return form
