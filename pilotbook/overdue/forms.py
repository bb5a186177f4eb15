from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukDateField, GovukFormMixin

from .models import Flag


class FlagForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong with this entry?"), choices=Flag.Kind.choices,
                             widget=forms.RadioSelect, error_messages={"required": _("Select what is wrong")})
    reason = forms.CharField(label=_("Explain what is wrong"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("A moderator reads this before correcting the record."),
                             error_messages={"required": _("Explain what is wrong")})
    link = forms.URLField(label=_("Link to the published results (if they were reported elsewhere)"),
                          required=False, max_length=500, assume_scheme="https",
                          error_messages={"invalid": _("Enter a full web address, starting https://")})
    proposed_due_date = GovukDateField(label=_("When are the results now due? (if the end date moved)"),
                                       required=False, help_text=_("For example, 27 3 2027"))


class CorrectionForm(GovukFormMixin, forms.Form):
    DUE_DATE, REPORTED_ELSEWHERE, REJECT = "due_date", "reported_elsewhere", "reject"
    decision = forms.ChoiceField(
        label=_("How should the record be corrected?"), widget=forms.RadioSelect,
        choices=[(DUE_DATE, _("Set a new date results are due")),
                 (REPORTED_ELSEWHERE, _("Mark the results as reported elsewhere (takes it off the list)")),
                 (REJECT, _("Leave the record as it is"))],
        error_messages={"required": _("Select how to correct the record")})
    new_due_date = GovukDateField(label=_("New date results are due"), required=False,
                                  help_text=_("For a new due date. For example, 27 3 2027"))
    url = forms.URLField(label=_("Where the results were reported"), required=False, max_length=500,
                         assume_scheme="https",
                         help_text=_("For results reported elsewhere: a full web address"),
                         error_messages={"invalid": _("Enter a full web address, starting https://")})
    reported_on = GovukDateField(label=_("Date the results were reported there"), required=False,
                                 help_text=_("For results reported elsewhere. For example, 27 3 2026"))
    reason = forms.CharField(label=_("Why (shown in the correction log and sent to the council)"),
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Enter the reason")})

    def __init__(self, *args, allow_reject: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_reject:
            self.fields["decision"].choices = [c for c in self.fields["decision"].choices if c[0] != self.REJECT]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.DUE_DATE and not data.get("new_due_date") and "new_due_date" not in self.errors:
            self.add_error("new_due_date", _("Enter the new date results are due"))
        if decision == self.REPORTED_ELSEWHERE:
            if not data.get("url") and "url" not in self.errors:
                self.add_error("url", _("Enter where the results were reported"))
            if not data.get("reported_on") and "reported_on" not in self.errors:
                self.add_error("reported_on", _("Enter the date the results were reported"))
        return data
