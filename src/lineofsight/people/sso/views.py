"""Signing in through an identity provider: ``/login/sso/<slug>/`` sends the browser to the
provider (state, nonce and a PKCE S256 challenge kept in this browser's session), and
``/login/sso/callback/`` finishes: the state must be one this browser started, the code is
exchanged over the back channel and the ID token checked (``backend``)."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_GET
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)
from mozilla_django_oidc.views import get_next_url

from lineofsight.people.middleware import NEEDS_FACTOR, SSO_PROVIDER
from lineofsight.people.models import IdentityProvider
from lineofsight.people.sso.backend import PATH, ProviderBackend, callback_url
from lineofsight.people.sso.signin import SignInRefused

log = logging.getLogger("lineofsight.sso")
STATES = "oidc_states"  # mozilla-django-oidc's session key: state -> nonce, verifier
STARTED_FOR = 600  # seconds a started sign-in may take at the provider


def _refused(request: HttpRequest, exc: SignInRefused) -> HttpResponse:
    log.warning("Single sign-on refused: %s %s", exc.message, exc.detail)
    return render(request, "people/sso/refused.html", {"message": exc.message}, status=exc.status)


@require_GET
def start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = IdentityProvider.objects.filter(slug=slug, enabled=True).first()
    if provider is None or not provider.authorization_endpoint:
        return _refused(
            request,
            SignInRefused("There is no such way to sign in; go back and pick another.", status=404),
        )
    if request.user.is_authenticated:
        return redirect("home")
    state = get_random_string(32)
    verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": callback_url(),
        "scope": provider.scopes,
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    entry = request.session[STATES][state]
    entry["provider"] = provider.pk
    entry["next"] = get_next_url(request, "next")
    request.session.modified = True
    return HttpResponseRedirect(f"{provider.authorization_endpoint}?{urlencode(params)}")


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    states = request.session.get(STATES)
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if isinstance(states, dict) and state else None
    if entry is not None:
        request.session.modified = True  # a state is used once, whatever happens next
    try:
        if entry is None:
            raise SignInRefused(
                "This sign-in was not started from this browser, or it was already used "
                "(its state is unknown). Nothing was changed; start again from the sign-in "
                "page.",
                status=400,
            )
        provider = IdentityProvider.objects.filter(pk=entry.get("provider"), enabled=True).first()
        if provider is None:
            raise SignInRefused("That way of signing in has been turned off.", status=400)
        if time.time() - float(entry.get("added_on", 0)) > STARTED_FOR:
            raise SignInRefused("The sign-in took too long; start again.", status=400)
        if request.GET.get("error"):
            description = request.GET.get("error_description", "")[:300]
            raise SignInRefused(
                f"{provider.name} did not sign you in ({request.GET['error'][:100]}"
                f"{': ' + description if description else ''}).",
                status=400,
            )
        issuer = request.GET.get("iss")
        if issuer is not None and issuer != provider.issuer:
            raise SignInRefused(
                f"The answer did not come from {provider.name} (its issuer differs).", status=400
            )
        code = request.GET.get("code", "")
        if not code:
            raise SignInRefused(f"{provider.name} sent no sign-in code.", status=400)
        person = ProviderBackend().sign_in(
            request,
            provider,
            code=code,
            nonce=entry.get("nonce") or "",
            code_verifier=entry.get("code_verifier") or "",
        )
    except SignInRefused as exc:
        return _refused(request, exc)
    login(request, person, backend=PATH)
    request.session[SSO_PROVIDER] = provider.pk
    # The provider's own second factor counts: no code from the authenticator app here.
    request.session[NEEDS_FACTOR] = False
    log.info("%s signed in with %s.", person.username, provider.slug)
    return HttpResponseRedirect(entry.get("next") or resolve_url("home"))
