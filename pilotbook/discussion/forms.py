"""Discussion forms; each field renders the GOV.UK component (pilotbook.web.forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilotbook.web.forms import GovukFormMixin

from .models import EmailPreference, Kind

MARKDOWN_HINT = _("You can use Markdown: **bold**, *italic*, lists, > quotes and [links](https://example.org).")
MAX_LENGTH = 5000


def _text(label, hint=MARKDOWN_HINT, rows=5):
    return forms.CharField(label=label, help_text=hint, max_length=MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": rows}),
                           error_messages={"required": _("Enter your text")})


class CommentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Is it a comment or a question?"), choices=Kind.choices, initial=Kind.COMMENT,
        widget=forms.RadioSelect(attrs={"small": True}),
        help_text=_("The pilot's team is emailed at once about a question."),
        error_messages={"required": _("Say whether it is a comment or a question")},
    )
    body = _text(_("Your comment or question"))


class ReplyForm(GovukFormMixin, forms.Form):
    body = _text(_("Your reply"), rows=4)


class EditForm(GovukFormMixin, forms.Form):
    body = _text(_("Text"), hint=_("Everyone will see that it was edited; moderators can see the earlier text."))


class ReportForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: it names a resident, it is offensive, or it is advertising."),
        error_messages={"required": _("Say what is wrong with the comment")},
    )


class ModerateForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to moderators and kept in the moderation log."),
        error_messages={"required": _("Give a reason")},
    )


class PreferenceForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["question_emails", "digest"]
        widgets = {"digest": forms.RadioSelect}
