"""Django forms that render GOV.UK Frontend components.

Every field renders through templates/govuk/forms/field.html (label, hint, error message and the
component for its widget), so a template writes `{{ form }}` or `{{ form.field.as_field_group }}`.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

# The longest search, in characters: any search box, the API's `q` and the exports' alike.
MAX_QUERY_LENGTH = 300
QUERY_TOO_LONG = "Search with at most %(limit_value)d characters (this has %(show_value)d): use the main words."


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "govuk/forms/date_widget.html"

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget
    default_error_messages = {
        "incomplete": _("Enter a complete date: day, month and year"),
        "invalid": _("Enter a real date, for example 27 3 2026"),
    }

    def __init__(self, **kwargs):
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(str(part).strip()) for part in data_list)
            if year < 1900 or year > 2200:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class GovukFormMixin:
    """Sets the classes and widths the design system expects; the templates do the rest."""

    # Field name -> GOV.UK width class, for inputs whose answer is short (numbers, codes).
    input_widths: dict[str, str] = {}
    # Field name -> what a select says before anything is chosen ("Choose a service area"); "Choose one" otherwise.
    # It is not an answer: a required select left on it gets the field's "Select ..." message.
    select_prompts: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.input_widths:
                field.widget.attrs["width_class"] = self.input_widths[name]
            if name in self.select_prompts:
                field.widget.attrs["prompt"] = self.select_prompts[name]
            if isinstance(field.widget, forms.Select) and field.required and field.choices:
                # A required select starts on a prompt, not on the first real answer.
                prompt = self.select_prompts.get(name, _("Choose one"))
                field.choices = [("", prompt), *[c for c in field.choices if c[0] != ""]]

    def full_clean(self):
        super().full_clean()
        # The date component marks each of its boxes as in error (it has no single input to mark).
        for name in self.errors:
            if name in self.fields and isinstance(self.fields[name].widget, GovukDateWidget):
                self.fields[name].widget.attrs["has_error"] = True


class LinkParametersMixin:
    """For filter forms whose values come from links on the page (facets, reasons) rather than from boxes.

    A value that is not one of the parameter's own (a stale bookmark, a mistyped or hostile link) is named at the
    top of the page with the parameter's label, since there is no box on the page to mark.
    """

    link_fields: tuple[str, ...] = ()

    def _post_clean(self):
        super()._post_clean()
        for name in [name for name in self.errors if name in self.link_fields]:
            for message in self.errors.pop(name):
                self.add_error(None, f"{self.fields[name].label}: {message}")
