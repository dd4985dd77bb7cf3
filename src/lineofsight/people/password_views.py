"""Password reset pages: ask for a link, follow it, choose a password.

Django's own views and token generator; the mail speaks the product's words and links to
``LOS_SITE_URL``, and choosing the password goes through the named action (audit row, and
any sign-in lockout lifted).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpResponse, HttpResponseRedirect

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import apply_errors
from lineofsight.people import accounts


class RequestResetLink(auth_views.PasswordResetView):
    template_name = "people/password_reset_form.html"
    subject_template_name = accounts.RESET_SUBJECT
    email_template_name = accounts.RESET_EMAIL

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = accounts.reset_mail_context()
        return super().form_valid(form)


class ChooseNewPassword(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
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
