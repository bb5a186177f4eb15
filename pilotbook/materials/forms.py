from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukFormMixin

from .models import Kind, Relation
from .sanitise import ACCEPT, check_file
from .services import max_bytes


class MaterialForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")},
                            help_text=_("For example 'First arrears letter, plain-English version'."))
    kind = forms.ChoiceField(label=_("Kind of material"), choices=Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Select the kind of material")})
    description = forms.CharField(label=_("How it was used"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Paste the wording here. You can use Markdown: **bold**, lists, links. "
                                       "Remove anything that identifies a resident."))
    file = forms.FileField(label=_("Or upload a file"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, DOCX, ODT, PNG, JPEG, TXT or CSV, smaller than %(mb)s MB.") % {
            "mb": f"{max_bytes() / 1_048_576:g}"}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > max_bytes():
            raise ValidationError(_("The file must be smaller than %(mb)s MB") % {"mb": f"{max_bytes() / 1_048_576:g}"})
        data = upload.read()
        check_file(upload.name, data, max_bytes())
        return upload.name, data

    def clean(self):
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("file") and "file" not in self.errors:
            self.add_error("body", _("Enter the text of the material, or choose a file"))
        return data


class UseForm(GovukFormMixin, forms.Form):
    pilot = forms.ChoiceField(label=_("Your pilot"), error_messages={"required": _("Select your pilot")})
    relation = forms.ChoiceField(label=_("How did your pilot use it?"), choices=Relation.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("Select whether you used it as it is or adapted it")})
    note = forms.CharField(label=_("What you changed"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].choices = [("", _("Choose one"))] + [(str(p.pk), p.title) for p in pilots]
