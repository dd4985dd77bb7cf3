"""Resetting a password. (The directory of people and teams is ``goals.directory``: it shows
their objectives.)"""

from django.contrib.auth import views as auth_views
from django.urls import path

from lineofsight.people import password_views

urlpatterns = [
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
