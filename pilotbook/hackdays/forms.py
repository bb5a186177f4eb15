"""Forms for hack days, ideas and teams; each field renders its GOV.UK component (pilotbook.web.forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukDateField, GovukFormMixin

from .models import HackDay, Idea


class HackDayForm(GovukFormMixin, forms.ModelForm):
    input_widths = {"votes_per_person": "govuk-input--width-3", "starts_at": "govuk-input--width-5",
                    "ends_at": "govuk-input--width-5"}
    date = GovukDateField(label=_("Date"), help_text=_("For example 27 3 2027"))
    online_link = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https",
        help_text=_("For example the video call address. Leave empty if in person only."))
    challenges = forms.CharField(
        label=_("Challenges staff may tackle"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One problem per line, for example 'Residents miss the first council tax instalment'."))

    class Meta:
        model = HackDay
        fields = ["title", "theme", "date", "starts_at", "ends_at", "place", "online_link", "votes_per_person",
                  "hide_results_until_closed"]
        widgets = {"starts_at": forms.TimeInput(format="%H:%M"), "ends_at": forms.TimeInput(format="%H:%M")}
        help_texts = {"starts_at": _("Optional. For example 9:30"), "ends_at": _("Optional. For example 16:00")}

    def __init__(self, *args, council_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Enter the name of the hack day")
        self.fields["theme"].error_messages["required"] = _("Enter the theme")
        self.fields["date"].error_messages["required"] = _("Enter the date")
        self.fields["votes_per_person"].error_messages["required"] = _("Enter how many votes each person has")
        self.fields["votes_per_person"].min_value = 1
        if council_choices and len(council_choices) > 1:
            self.fields = {"council": forms.ChoiceField(label=_("Council"), choices=council_choices),
                           **self.fields}

    def clean_votes_per_person(self):
        votes = self.cleaned_data["votes_per_person"]
        if votes is not None and not 1 <= votes <= 20:
            raise forms.ValidationError(_("Votes per person must be between 1 and 20"))
        return votes

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_link") and "online_link" not in self.errors:
            self.add_error("place", _("Enter the place, the online link, or both"))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end time must be after the start time"))
        return data

    def challenge_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("challenges", "").splitlines() if line.strip()]


class IdeaForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["challenge", "title", "problem", "idea", "expected_benefit", "who_affected"]
        help_texts = {
            "title": _("A short name people will recognise when they vote."),
            "problem": _("What is not working now."),
            "idea": _("What you would change."),
            "expected_benefit": _("What would get better, and by roughly how much."),
            "who_affected": _("Residents, staff or partners who would notice the change."),
        }

    def __init__(self, *args, hack_day: HackDay, **kwargs):
        super().__init__(*args, **kwargs)
        challenges = hack_day.challenges.all()
        if challenges:
            self.fields["challenge"].queryset = challenges
            self.fields["challenge"].empty_label = _("None of these")
            self.fields["challenge"].required = False
        else:
            del self.fields["challenge"]
        for name, label in (("title", _("the title of the idea")), ("problem", _("the problem")),
                            ("idea", _("the idea")), ("expected_benefit", _("the expected benefit")),
                            ("who_affected", _("who it affects"))):
            self.fields[name].error_messages["required"] = _("Enter %(label)s") % {"label": label}


class TeamForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100,
                           error_messages={"required": _("Enter the team name")})
    idea = forms.ModelChoiceField(label=_("Idea the team works on"), queryset=Idea.objects.none(), required=False,
                                  empty_label=_("Not chosen yet"))

    def __init__(self, *args, hack_day: HackDay, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = hack_day.ideas.all()
