from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pilotbook.throttle import services as throttle
from pilotbook.web.forms import GovukFormMixin

from .models import Role


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct email address and password. Passwords are case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.fields["username"].error_messages["required"] = _("Enter your email address")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        """Refuse while the account or the client address is throttled, before the password is even checked."""
        email = self.cleaned_data.get("username")
        address = throttle.client_address(self.request)
        refusal = throttle.sign_in_refusal(email, address)
        if refusal:
            raise forms.ValidationError(self.throttled_message(refusal), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                throttle.sign_in_failed(email, address)
            raise
        if self.user_cache is not None:
            throttle.sign_in_succeeded(email)
        return cleaned

    @staticmethod
    def throttled_message(refusal: throttle.Refusal) -> str:
        wait = ngettext("Wait %(n)d minute, then try again.", "Wait %(n)d minutes, then try again.",
                        refusal.minutes) % {"n": refusal.minutes}
        if refusal.per_account:
            return " ".join([str(_("There have been too many wrong passwords for this email address.")), wait,
                             str(_("If you have forgotten your password, reset it."))])
        return " ".join([str(_("There have been too many wrong passwords from your network.")), wait])


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.fields["email"].error_messages["invalid"] = _("Enter an email address like name@council.gov.uk")

    def save(self, *args, request=None, **kwargs):
        """Send the link unless this address or this client has had too many this hour. The page that follows
        says the same either way, so it never reveals whether an account exists."""
        if throttle.reset_email_allowed(self.cleaned_data["email"], throttle.client_address(request)):
            super().save(*args, request=request, **kwargs)


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    def save(self, commit=True):
        user = super().save(commit=commit)
        throttle.account_recovered(user.email)  # a new password from a reset link lifts a sign-in lockout
        return user


class InvitationForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Colleague's email address"),
        error_messages={"required": _("Enter your colleague's email address"),
                        "invalid": _("Enter an email address like name@council.gov.uk")},
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, widget=forms.RadioSelect, initial=Role.OFFICER,
        error_messages={"required": _("Select a role")},
    )


class AcceptInvitationForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                error_messages={"required": _("Enter your full name")})
    password1 = forms.CharField(label=_("Create a password"), widget=forms.PasswordInput(),
                                help_text=_("At least 10 characters; not a common password."),
                                error_messages={"required": _("Create a password")})
    password2 = forms.CharField(label=_("Confirm password"), widget=forms.PasswordInput(),
                                error_messages={"required": _("Confirm your password")})

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The passwords do not match"))
        elif p1:
            from .models import User

            try:
                password_validation.validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class CouncilFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label=_("Council name or code"), required=False, max_length=100)
    nation = forms.ChoiceField(label=_("Nation"), required=False)
    include_former = forms.BooleanField(label=_("Include former councils"), required=False)

    def __init__(self, *args, nations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nation"].choices = [("", _("Any")), *[(n, n) for n in nations]]
