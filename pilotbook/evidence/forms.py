"""The pooled groups' forms: the meta-analysis method on a group's page, a group's title and outcome, and the pilot
a moderator adds to a group."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbook.web.forms import GovukFormMixin

from . import selectors
from .models import PooledGroup

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
