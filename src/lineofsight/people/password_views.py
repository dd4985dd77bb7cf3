"""Password reset pages: ask for a link, follow it, choose a password.

Django's own views and token generator; the mail speaks the product's words and links to
``LOS_SITE_URL``, and choosing the password goes through the named action (audit row, and
any sign-in lockout lifted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpResponse, HttpResponseRedirect

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import apply_errors
from lineofsight.people import accounts
from lineofsight.people.sso import actions as sso_actions

SSO_ONLY = (
    "Signing in with a password is turned off for this organisation (single sign-on only): "
    "sign in with your organisation's account instead."
)


class ResetForm(PasswordResetForm):
    """While sign-in is SSO only, links go to break-glass admins alone (the page reads the
    same whoever asked, as always)."""

    def get_users(self, email: str) -> Iterator[Any]:
        for user in super().get_users(email):
            if sso_actions.may_use_password(user):
                yield user


class RequestResetLink(auth_views.PasswordResetView):
    template_name = "people/password_reset_form.html"
    subject_template_name = accounts.RESET_SUBJECT
    email_template_name = accounts.RESET_EMAIL
    form_class = ResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = accounts.reset_mail_context()
        return super().form_valid(form)


class ChooseNewPassword(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        if not sso_actions.may_use_password(form.user):
            form.add_error(None, SSO_ONLY)
            return self.form_invalid(form)
        try:
            accounts.set_own_password(
                acting_user=form.user,
                person=form.user,
                password=form.cleaned_data["new_password1"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
