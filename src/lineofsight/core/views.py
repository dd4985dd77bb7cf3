"""Signing in and out, the personal API tokens page, and the site icon."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core import tokens
from lineofsight.core.errors import InvalidInput
from lineofsight.core.forms import TokenForm
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page


def _token_page(
    request: SignedInRequest, form: TokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    rows = list(tokens.tokens_for_user(request.user).filter(person=request.user))
    return render_page(
        request,
        "core/tokens.html",
        {"nav": "tokens", "tokens": rows, "form": form, "secret": secret},
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; send them to the icon's static file."""
    return HttpResponsePermanentRedirect(static("lineofsight/favicon.ico"))


@page
@require_http_methods(["GET", "POST"])
def token_list(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = tokens.create_token(
                    acting_user=request.user, person=request.user, name=form.cleaned_data["name"]
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Token {token.name!r} created.")
                return _token_page(request, TokenForm(), secret=secret)
        return _token_page(request, form, status=422)
    return _token_page(request, TokenForm())


@page
@require_POST
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = tokens.tokens_for_user(request.user).get(pk=token_id)
    tokens.revoke_token(acting_user=request.user, token=token)
    messages.success(request, f"Token {token.name!r} revoked; scripts using it stop working now.")
    return redirect("tokens")
