"""Signing in (with its second step), and one's own account settings: password, second
factor, sessions."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.lockout import locked_out
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.people import security
from lineofsight.people.middleware import NEEDS_FACTOR, SESSION_ROW
from lineofsight.people.models import IdentityProvider, Organisation, SignInSession
from lineofsight.people.sso import actions as sso_actions

PENDING = "los_second_step"
PENDING_FOR = 300  # seconds between the password and the code


class PasswordSignInForm(AuthenticationForm):
    """Django's form; while sign-in is SSO only, a right password of anyone but a break-glass
    admin is refused with the same words as a wrong one (so the form tells nobody who is
    break-glass)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sso_only = sso_actions.sso_only()
        if self.sso_only:
            self.error_messages = {**self.error_messages, "invalid_login": BREAK_GLASS_ONLY}

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not sso_actions.may_use_password(user):
            raise forms.ValidationError(BREAK_GLASS_ONLY, code="invalid_login")


BREAK_GLASS_ONLY = (
    "Signing in with a password is for break-glass administrators only: enter one's "
    "username and password, or sign in with your organisation's account above."
)


class SignIn(auth_views.LoginView):
    """Django's sign-in; a person with a second factor gives a code on a second page.
    The identity providers HR set up are offered first (single sign-on)."""

    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = PasswordSignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = list(
            IdentityProvider.objects.filter(enabled=True).only("name", "slug", "kind")
        )
        context["sso_only"] = context["form"].sso_only
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not security.has_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": timezone.now().timestamp(),
        }
        return redirect("login-code")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_FOR:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user else None


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    found = _pending(request)
    if found is None:
        request.session.pop(PENDING, None)
        messages.info(request, "Sign in again: the code was not given in time.")
        return redirect("login")
    user, pending = found
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        return locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            used = security.verify_second_step(user, form.cleaned_data["code"])
            if used:
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
                if used == "recovery":
                    left = security.recovery_codes_left(user)
                    messages.warning(
                        request, f"You used a recovery code; {left} left. Make new ones soon."
                    )
                return redirect(pending["next"])
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                return locked_out(request, credentials=credentials)
            form.add_error(
                "code",
                "That code is not right. Enter the app's current code "
                "or one of your recovery codes.",
            )
    return render(request, "people/sign_in_code.html", {"form": form}, status=status)


# --- password ------------------------------------------------------------------------------


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


@page
@require_http_methods(["GET", "POST"])
def password_change(request: SignedInRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                security.change_own_password(
                    acting_user=request.user,
                    person=request.user,
                    current=data["old_password"],
                    new=data["new_password1"],
                    repeat=data["new_password2"],
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                update_session_auth_hash(request, request.user)
                current = request.session.get(SESSION_ROW)
                if current is not None:
                    SignInSession.objects.filter(pk=current).update(
                        session_key=request.session.session_key or ""
                    )
                ended = security.end_other_sessions(
                    acting_user=request.user,
                    person=request.user,
                    current_id=current,
                    reason="password changed",
                )
                messages.success(
                    request,
                    "Password changed."
                    + (
                        f" {ended} other session{'s' if ended != 1 else ''} signed out."
                        if ended
                        else ""
                    ),
                )
                return redirect("security")
        return render_page(
            request, "people/password_change.html", {"nav": "security", "form": form}, status=422
        )
    return render_page(request, "people/password_change.html", {"nav": "security", "form": form})


# --- second factor -------------------------------------------------------------------------


class ProofForm(forms.Form):
    proof = forms.CharField(
        label="A current code or your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RuleForm(forms.Form):
    require_second_factor_for_hr = forms.BooleanField(
        required=False, label="HR admins need a second factor"
    )


def _security_page(request: SignedInRequest, status: int = 200, **extra: Any) -> HttpResponse:
    person = request.user
    device = security.pending_device(person)
    context: dict[str, Any] = {
        "nav": "security",
        "enabled": security.has_second_factor(person),
        "codes_left": security.recovery_codes_left(person),
        "required": security.second_factor_required(person),
        "pending": device if not security.has_second_factor(person) else None,
        "code_form": CodeForm(),
        "proof_form": ProofForm(),
    }
    if context["pending"] is not None:
        uri = device.config_url  # type: ignore[union-attr]
        context["otpauth_uri"] = uri
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(
            scale=4, dark="#111", light="#fff", title="QR code for your authenticator app"
        )
        key = b32encode(device.bin_key).decode().rstrip("=")  # type: ignore[union-attr]
        context["secret_key"] = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    if person.is_hr_admin:
        org = Organisation.objects.first()
        context["rule_form"] = RuleForm(
            initial={"require_second_factor_for_hr": bool(org and org.require_second_factor_for_hr)}
        )
    context.update(extra)
    return render_page(request, "people/security.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def security_page(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return _security_page(request)
    step = request.POST.get("step", "")
    person = request.user
    try:
        if step == "start":
            security.start_second_factor(acting_user=person, person=person)
            return redirect("security")
        if step == "confirm":
            code_form = CodeForm(request.POST)
            code = code_form.data.get("code", "")
            codes = security.confirm_second_factor(acting_user=person, person=person, code=code)
            request.session[NEEDS_FACTOR] = False
            messages.success(request, "Second factor on: sign-in now asks for a code.")
            return _security_page(request, recovery_codes=codes)
        if step == "disable":
            proof_form = ProofForm(request.POST)
            security.disable_second_factor(
                acting_user=person, person=person, proof=proof_form.data.get("proof", "")
            )
            request.session[NEEDS_FACTOR] = security.second_factor_required(person)
            messages.success(request, "Second factor off: sign-in asks for the password only.")
            return redirect("security")
        if step == "rule":
            rule = RuleForm(request.POST)
            rule.is_valid()
            org = security.set_hr_second_factor_rule(
                acting_user=person, required=rule.cleaned_data["require_second_factor_for_hr"]
            )
            request.session[NEEDS_FACTOR] = security.second_factor_required(
                person
            ) and not security.has_second_factor(person)
            messages.success(
                request,
                "HR admins now need a second factor."
                if org.require_second_factor_for_hr
                else "HR admins no longer need a second factor.",
            )
            return redirect("security")
    except InvalidInput as exc:
        if step == "disable":
            proof = ProofForm(request.POST)
            apply_errors(proof, exc)
            return _security_page(request, status=422, proof_form=proof)
        form = CodeForm(request.POST)
        apply_errors(form, exc)
        return _security_page(request, status=422, code_form=form)
    form = CodeForm()
    form.add_error(None, f"Unknown step {step!r}.")
    return _security_page(request, status=422, code_form=form)


# --- sessions ------------------------------------------------------------------------------


def _browser(agent: str) -> str:
    """A short name for a user agent string ("Firefox on Linux")."""
    browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    name = next((n for key, n in browsers if key in agent), "")
    system = next((n for key, n in systems if key in agent), "")
    if name and system:
        return f"{name} on {system}"
    return name or system or (agent[:60] if agent else "Unknown browser")


@page
@require_http_methods(["GET"])
def sessions_page(request: SignedInRequest) -> HttpResponse:
    current = request.session.get(SESSION_ROW)
    rows = [
        {"row": row, "browser": _browser(row.user_agent), "current": row.pk == current}
        for row in security.open_sessions(request.user)
    ]
    rows.sort(key=lambda r: not r["current"])
    return render_page(
        request,
        "people/sessions.html",
        {"nav": "security", "rows": rows, "others": sum(not r["current"] for r in rows)},
    )


@page
@require_POST
def session_revoke(request: SignedInRequest, session_id: int) -> HttpResponse:
    row = security.open_sessions(request.user).get(pk=session_id)
    try:
        security.revoke_session(
            acting_user=request.user, row=row, current_id=request.session.get(SESSION_ROW)
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect("sessions")
    messages.success(request, f"Session from {_browser(row.user_agent)} signed out.")
    return redirect("sessions")


@page
@require_POST
def session_revoke_others(request: SignedInRequest) -> HttpResponse:
    ended = security.end_other_sessions(
        acting_user=request.user, person=request.user, current_id=request.session.get(SESSION_ROW)
    )
    messages.success(request, f"{ended} other session{'s' if ended != 1 else ''} signed out.")
    return redirect("sessions")
