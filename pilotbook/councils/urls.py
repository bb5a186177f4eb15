from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pilotbook.throttle.services import RESET_PER_ACCOUNT

from . import forms, views

urlpatterns = [
    path("councils/<str:code>/outline.geojson", views.council_outline, name="council-outline"),
    path("councils/<str:code>/team/", views.council_team, name="council-team"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("sign-in/", auth_views.LoginView.as_view(template_name="councils/sign_in.html",
                                                   authentication_form=forms.SignInForm,
                                                   redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        template_name="councils/password_reset.html", form_class=forms.PasswordResetForm,
        email_template_name="councils/email/password_reset.txt",
        subject_template_name="councils/email/password_reset_subject.txt"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="councils/password_reset_sent.html", extra_context={"reset_limit": RESET_PER_ACCOUNT.attempts}),
        name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="councils/password_reset_confirm.html", form_class=forms.SetPasswordForm,
        success_url=reverse_lazy("password_reset_complete")), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="councils/password_reset_complete.html"), name="password_reset_complete"),
]
