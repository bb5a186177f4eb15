"""Forms for measuring a pilot: upload a file, map its columns, choose the comparison group, type in figures."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukFormMixin

from .choices import OutcomeKind

ROLE_LABELS = {
    "arm": (_("Which column says which group each row was in?"),
            _("For example 'group', with values such as 'new letter' and 'old letter'.")),
    "outcome": (_("Which column holds the primary outcome?"),
                _("One value per row: 1 or 0 (or yes or no) for a yes-or-no outcome, otherwise a number.")),
    "baseline": (_("Which column holds the same measure before the pilot? (optional)"),
                 _("A baseline that predicts the outcome narrows the confidence interval (ANCOVA).")),
    "cluster": (_("Which column says which cluster each row belongs to?"),
                _("For example the ward, collection round or school that was allocated as a whole.")),
    "period": (_("Which column says whether each row is from before or after the change?"), ""),
    "time": (_("Which column holds the time until the event?"),
             _("For example days from the first letter until the tenant made contact, or until the data ended.")),
    "event": (_("Which column says whether the event happened?"),
              _("1 (or yes) if it happened; 0 (or no) if the time is only how long you watched (censored).")),
    "exposure": (_("Which column holds the exposure? (optional)"),
                 _("For a count, how much time or how many units each row covers, for example households in "
                   "thousands. Leave empty if every row covers the same.")),
}


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV or Excel (XLSX) file"),
        help_text=_("One row per person or unit, with column names in the first row. Up to 10 MB."),
        error_messages={"required": _("Select a CSV or XLSX file"),
                        "empty": _("The selected file is empty"),
                        "invalid": _("The selected file could not be read. Upload it again")},
    )

    def __init__(self, *args, purposes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
        if purposes:
            self.fields["purpose"] = purpose_field(purposes)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("The selected file must be a CSV or XLSX file"))
        if upload.size > settings.PILOTBOOK_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The selected file must be smaller than %(limit)s MB")
                % {"limit": settings.PILOTBOOK_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def purpose_field(purposes: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Is this the final analysis or a planned interim look?"),
        choices=purposes, widget=forms.RadioSelect,
        help_text=_("Your plan registered interim looks. An interim look applies the stopping rule; it does not "
                    "record the result."),
        error_messages={"required": _("Select whether this is the final analysis or an interim look")},
    )


class ColumnsForm(GovukFormMixin, forms.Form):
    """Which column holds what; only the roles the registered plan needs are asked."""

    def __init__(self, *args, columns: list[str], roles: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a column"))] + [(c, c) for c in columns]
        for role, required in {"arm": True, **roles}.items():
            label, hint = ROLE_LABELS[role]
            self.fields[role] = forms.ChoiceField(
                label=label, help_text=hint, choices=choices if required else
                [("", _("None"))] + [(c, c) for c in columns], required=required,
                error_messages={"required": _("Choose the column for this question")},
            )
        if "period" in roles:
            self.fields["before_label"] = forms.CharField(
                label=_("What does the period column say for rows from before the change?"),
                help_text=_("Exactly as written in the file, for example 'before' or '2025'."),
                max_length=100, error_messages={"required": _("Enter the value that marks rows from before")},
            )
            self.input_widths = {"before_label": "govuk-input--width-20"}
            self.fields["before_label"].widget.attrs["width_class"] = "govuk-input--width-20"

    def clean(self):
        data = super().clean()
        chosen = [data.get(role) for role in self.fields if role != "before_label" and data.get(role)]
        duplicates = {c for c in chosen if chosen.count(c) > 1}
        for role in self.fields:
            if role != "before_label" and data.get(role) in duplicates:
                self.add_error(role, _("Each question needs a different column"))
        return data


class ControlForm(GovukFormMixin, forms.Form):
    control = forms.ChoiceField(
        label=_("Which group is the comparison (the one that did not get the change)?"),
        widget=forms.RadioSelect, error_messages={"required": _("Select the comparison group")},
    )

    def __init__(self, *args, labels: list[tuple[str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control"].choices = [
            (label, _("%(label)s (%(n)s rows)") % {"label": label, "n": f"{count:,}"}) for label, count in labels
        ]


MAX_GROUPS = 4
SUMMARY_FIELDS = {
    OutcomeKind.BINARY: [("n", _("Number of people")), ("events", _("Number with the outcome (yes)"))],
    OutcomeKind.CONTINUOUS: [("n", _("Number of people")), ("mean", _("Mean")), ("sd", _("Standard deviation"))],
    OutcomeKind.COUNT: [("events", _("Number of events")), ("exposure", _("Exposure (for example household-years)"))],
}


class SummaryForm(GovukFormMixin, forms.Form):
    """Summary figures per group: group 1 is the comparison; groups 3 and 4 are optional extra pilot arms."""

    def __init__(self, *args, kind: str, purposes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.groups = []
        for index in range(1, MAX_GROUPS + 1):
            required = index <= 2
            title = (_("Comparison group (did not get the change)") if index == 1 else
                     _("Pilot group") if index == 2 else _("Another pilot group (optional)"))
            names = [f"g{index}_label"]
            self.fields[f"g{index}_label"] = forms.CharField(
                label=_("Name of the group"), max_length=60, required=required,
                initial=(_("Comparison") if index == 1 else _("Pilot") if index == 2 else ""),
                error_messages={"required": _("Enter a name for this group")})
            for key, label in SUMMARY_FIELDS[kind]:
                name = f"g{index}_{key}"
                field_class = forms.IntegerField if key in ("n", "events") else forms.FloatField
                kwargs = {"min_value": 0} if key != "mean" else {}
                self.fields[name] = field_class(
                    label=label, required=False, **kwargs,
                    error_messages={"invalid": _("%(label)s must be a number") % {"label": label},
                                    "min_value": _("%(label)s must be 0 or more") % {"label": label}})
                self.fields[name].widget.attrs["width_class"] = "govuk-input--width-10"
                names.append(name)
            self.groups.append({"title": title, "fields": names, "index": index})
        if purposes:
            self.fields["purpose"] = purpose_field(purposes)

    def clean(self):
        data = super().clean()
        keys = [key for key, _label in SUMMARY_FIELDS[self.kind]]
        groups, labels = [], set()
        for index in range(1, MAX_GROUPS + 1):
            values = {key: data.get(f"g{index}_{key}") for key in keys}
            label = (data.get(f"g{index}_label") or "").strip()
            if index > 2 and not label and all(v is None for v in values.values()):
                continue
            for key, value in values.items():
                if value is None and f"g{index}_{key}" not in self.errors:
                    self.add_error(f"g{index}_{key}", _("Enter this figure for group %(n)s") % {"n": index})
            if label in labels:
                self.add_error(f"g{index}_label", _("Each group needs a different name"))
            labels.add(label)
            groups.append({"label": label, **values})
        data["groups"] = groups
        return data


class RecordFromAnalysisForm(GovukFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("What happened (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything a reader needs to understand the result, for example how many letters went out."))

    def __init__(self, *args, arms: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if len(arms) > 1:
            self.fields["arm"] = forms.ChoiceField(
                label=_("Which pilot group's comparison is the headline result?"), widget=forms.RadioSelect,
                choices=[(arm, arm) for arm in arms], error_messages={"required": _("Select a pilot group")})
            self.order_fields(["arm", "summary"])
