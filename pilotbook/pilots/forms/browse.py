"""The browse page's filters, which the read API reuses for its parameters (pilotbook.api.parameters)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council, Reader
from pilotbook.pilots.choices import Design, InterventionType, ServiceArea, Status
from pilotbook.pilots.models import Pilot, PilotQuerySet
from pilotbook.web.forms import MAX_QUERY_LENGTH, QUERY_TOO_LONG, GovukFormMixin


def _with_any(choices):
    return [("", _("Any")), *choices]


class PilotFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label=_("Words in the title, problem or change"), required=False,
                        max_length=MAX_QUERY_LENGTH, error_messages={"max_length": _(QUERY_TOO_LONG)})
    service_area = forms.ChoiceField(label=_("Service area"), required=False, choices=_with_any(ServiceArea.choices))
    intervention_type = forms.ChoiceField(label=_("Intervention type"), required=False,
                                          choices=_with_any(InterventionType.choices))
    design = forms.ChoiceField(label=_("Design"), required=False, choices=_with_any(Design.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_any(Status.choices))
    nation = forms.ChoiceField(label=_("Nation"), required=False)
    council = forms.ChoiceField(label=_("Council"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        nations = Council.objects.order_by("nation").values_list("nation", flat=True).distinct()
        self.fields["nation"].choices = _with_any([(n, n) for n in nations])
        # Councils with a pilot this person may see and may know the council of (or a case study it ran together
        # with others): listing a council whose only pilots are drafts or published with its name withheld would
        # tell which council that is.
        pilots = Pilot.objects.visible_to(user).identifiable_by(user)
        joint = Pilot.joint_councils.through.objects.filter(pilot__in=pilots.values("pk")).values("council_id")
        with_pilots = Council.objects.filter(Q(pk__in=pilots.values("council_id")) | Q(pk__in=joint)).order_by("name")
        self.fields["council"].choices = _with_any([(c.code, c.name) for c in with_pilots])

    def filter(self, queryset: PilotQuerySet, user: Reader) -> PilotQuerySet:
        data = self.cleaned_data
        if data.get("q"):
            words = data["q"].split()
            for word in words[:10]:
                queryset = queryset.filter(
                    Q(title__icontains=word) | Q(problem__icontains=word) | Q(change__icontains=word)
                )
        for name in ("service_area", "intervention_type", "design", "status"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("nation") or data.get("council"):
            queryset = queryset.identifiable_by(user)  # a withheld name cannot be found out by filtering
        if data.get("nation"):  # a case study several councils ran is found under each council and its nation
            queryset = queryset.of_councils(Council.objects.filter(nation=data["nation"]))
        if data.get("council"):
            queryset = queryset.of_councils(Council.objects.filter(pk=data["council"]))
        return queryset
