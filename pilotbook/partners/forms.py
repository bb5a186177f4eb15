"""Forms for the partner pages; every field renders its GOV.UK component (pilotbook.web.forms)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot
from pilotbook.web.forms import GovukDateField, GovukFormMixin

from .choices import ArrangementModel, Frequency, ResidentGroup, Stage, WouldRepeat
from .models import Arrangement, Partner, Sector
from .orgid import normalise
from .records import LAT_RANGE, LON_RANGE

MAX_IMPORT_BYTES = getattr(settings, "PILOTBOOK_PARTNER_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def _with_any(choices):
    return [("", _("Any")), *choices]


class SectorChoiceMixin:
    def _sector_choices(self, council, field: str, any_label: bool):
        sectors = Sector.objects.for_council(council)
        self.fields[field].queryset = sectors
        if any_label:
            self.fields[field].empty_label = _("Any")


class PartnerFilterForm(GovukFormMixin, SectorChoiceMixin, forms.Form):
    q = forms.CharField(label=_("Name or description"), required=False, max_length=100)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    group = forms.ChoiceField(label=_("Meets"), required=False, choices=_with_any(ResidentGroup.choices))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self._sector_choices(council, "sector", any_label=True)

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class PartnerForm(GovukFormMixin, SectorChoiceMixin, forms.ModelForm):
    location_name = forms.CharField(label=_("Location name"), required=False, max_length=200)
    address_1 = forms.CharField(label=_("Address"), required=False, max_length=200)
    city = forms.CharField(label=_("Town or city"), required=False, max_length=100)
    postal_code = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    latitude = forms.FloatField(label=_("Latitude"), min_value=LAT_RANGE[0], max_value=LAT_RANGE[1],
                                help_text=_("In decimal degrees, for example 50.9089"))
    longitude = forms.FloatField(label=_("Longitude"), min_value=LON_RANGE[0], max_value=LON_RANGE[1],
                                 help_text=_("In decimal degrees, for example 0.2612 (west of Greenwich is negative)"))
    groups = forms.MultipleChoiceField(label=_("Which residents do their staff meet?"), required=False,
                                       choices=ResidentGroup.choices, widget=forms.CheckboxSelectMultiple)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    frequency = forms.ChoiceField(label=_("How often?"), choices=Frequency.choices, widget=forms.RadioSelect,
                                  initial=Frequency.WEEKLY)
    input_widths = {"identifier": "govuk-input--width-20", "postal_code": "govuk-input--width-10",
                    "latitude": "govuk-input--width-10", "longitude": "govuk-input--width-10"}

    class Meta:
        model = Partner
        fields = ["name", "sector", "identifier", "description", "website", "email", "visits_homes", "can_refer",
                  "referral_route"]

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self._sector_choices(council, "sector", any_label=False)
        self.instance.council = council
        location = self.instance.locations.first() if self.instance.pk else None
        if location:
            for name in ("address_1", "city", "postal_code", "latitude", "longitude"):
                self.initial[name] = getattr(location, name)
            self.initial["location_name"] = location.name
        if self.instance.pk:
            touchpoints = list(self.instance.touchpoints.all())
            self.initial["groups"] = [t.group for t in touchpoints]
            if touchpoints:
                self.initial["frequency"] = touchpoints[0].frequency

    def clean_identifier(self):
        return normalise(self.cleaned_data["identifier"])

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        where = ("address_1", "city", "postal_code", "latitude", "longitude")
        location = {"name": data.pop("location_name"), **{k: data.pop(k) for k in where}}
        return {"location": location, "groups": data.pop("groups"), "frequency": data.pop("frequency"), **data}


class ImportForm(GovukFormMixin, SectorChoiceMixin, forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=_("Open Referral UK JSON, Pilotbook's CSV template, or OpenStreetMap GeoJSON or Overpass JSON. "
                    "Up to %(size)s.") % {"size": filesizeformat(MAX_IMPORT_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.geojson,text/csv,application/json"}))
    default_sector = forms.ModelChoiceField(
        label=_("Sector for records that do not say (optional)"), queryset=Sector.objects.none(), required=False,
        help_text=_("Otherwise OpenStreetMap places whose tags match no sector are skipped, and Open Referral "
                    "organisations without a Pilotbook sector are errors."))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self._sector_choices(council, "default_sector", any_label=False)
        self.fields["default_sector"].empty_label = _("None: skip or report them")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file must be smaller than %(size)s"),
                                        params={"size": filesizeformat(MAX_IMPORT_BYTES)})
        return upload


class SectorForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the sector"), max_length=100)
    typical_groups = forms.MultipleChoiceField(label=_("Which residents does this kind of organisation usually meet?"),
                                               required=False, choices=ResidentGroup.choices,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Sector.objects.for_council(self.council).filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a sector called %(name)s"), params={"name": name})
        return name


class UnlikelyForm(GovukFormMixin, forms.Form):
    goal = forms.CharField(label=_("What do you want to achieve?"), max_length=200,
                           help_text=_("For example: spot isolated older people, or report fly-tipping sooner"))


def _owner_choices(council):
    from pilotbook.councils.models import User

    return User.objects.filter(memberships__council=council).order_by("full_name")


class PartnershipForm(GovukFormMixin, forms.Form):
    topic = forms.CharField(label=_("What is the partnership about?"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False,
                                   help_text=_("Usually the council's collaboration champion."))
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_date = GovukDateField(label=_("Next step by"), required=False, help_text=_("For example, 27 3 2026"))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owner_choices(council)
        self.fields["owner"].empty_label = _("Nobody yet")


class MoveForm(GovukFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, widget=forms.RadioSelect)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_date = GovukDateField(label=_("Next step by"), required=False, help_text=_("For example, 27 3 2026"))

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owner_choices(council)
        self.fields["owner"].empty_label = _("Nobody yet")


class ReviewForm(GovukFormMixin, forms.Form):
    achieved = forms.CharField(label=_("What did the partnership achieve?"), widget=forms.Textarea)
    pilots = forms.ModelMultipleChoiceField(label=_("Pilots it led to"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    would_repeat = forms.ChoiceField(label=_("Would you do it again?"), choices=WouldRepeat.choices,
                                     widget=forms.RadioSelect)
    lessons = forms.CharField(label=_("What should other councils know?"), widget=forms.Textarea, required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilots"].queryset = Pilot.objects.filter(council=council).exclude(status="draft")


class DirectoryForm(GovukFormMixin, forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=100,
                            help_text=_("For example: loneliness, fly-tipping, arrears"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maintained = Sector.objects.filter(council__isnull=True).order_by("name")
        self.fields["sector"].choices = _with_any([(s.slug, s.name) for s in maintained])


class ArrangementForm(GovukFormMixin, forms.ModelForm):
    start_date = GovukDateField(label=_("Start date"), required=False, help_text=_("For example, 1 4 2025"))
    councils = forms.CharField(
        label=_("Other councils involved"), required=False, max_length=400,
        help_text=_("Their three-letter codes, separated by commas, for example LEW, RTW"))
    input_widths = dict.fromkeys(("baseline_cost", "predicted_saving", "realised_saving"), "govuk-input--width-10")

    class Meta:
        model = Arrangement
        fields = ["service", "model", "provider", "start_date", "baseline_cost", "predicted_saving",
                  "predicted_source", "realised_saving", "realised_source"]
        widgets = {"model": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["service", "model", "councils"])
        if self.instance.pk:
            self.initial["councils"] = ", ".join(self.instance.councils.values_list("code", flat=True))
        for name in ("baseline_cost", "predicted_saving", "realised_saving"):
            self.fields[name].widget.attrs["prefix"] = "£"

    def clean_councils(self):
        codes = [code.strip().upper() for code in self.cleaned_data["councils"].split(",") if code.strip()]
        found = list(Council.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {c.code for c in found})
        if unknown:
            raise forms.ValidationError(_("No council has the code %(codes)s"), params={"codes": ", ".join(unknown)})
        return found

    def clean(self):
        data = super().clean()
        if data.get("model") == ArrangementModel.SHARED and not data.get("councils"):
            self.add_error("councils", _("Name the councils the service is shared with"))
        for amount, source in (("predicted_saving", "predicted_source"), ("realised_saving", "realised_source")):
            if data.get(amount) is not None and not data.get(source):
                self.add_error(source, _("Say where this figure comes from"))
        return data
