"""Signing in, one's own password, second factor and sessions, and resetting a password.

(The directory of people and teams is ``goals.directory``: it shows
their objectives.)"""

from django.contrib.auth import views as auth_views
from django.urls import path

from lineofsight.people import account_views, password_views

urlpatterns = [
    path("login/", account_views.SignIn.as_view(), name="login"),
    path("login/code/", account_views.sign_in_code, name="login-code"),
    path("settings/password/", account_views.password_change, name="password-change"),
    path("settings/security/", account_views.security_page, name="security"),
    path("settings/sessions/", account_views.sessions_page, name="sessions"),
    path(
        "settings/sessions/<int:session_id>/revoke/",
        account_views.session_revoke,
        name="session-revoke",
    ),
    path(
        "settings/sessions/revoke-others/",
        account_views.session_revoke_others,
        name="session-revoke-others",
    ),
    path("password-reset/", password_views.RequestResetLink.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_views.ChooseNewPassword.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
