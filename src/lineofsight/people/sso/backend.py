"""The OpenID Connect relying party: mozilla-django-oidc's backend, configured per provider.

The library is settings-based (one provider); this backend takes its configuration from the
``IdentityProvider`` row the callback names instead, and is stricter than the library's
defaults: the ID token must be RS256-signed by a key in the provider's JWKS and carry ``iss``
(the provider's issuer), ``aud`` (our client id, with ``azp`` when there are several),
``exp``, ``iat`` and ``sub``; its nonce must be the one this browser's sign-in started with.
Every failure is a ``SignInRefused`` naming what was wrong.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lineofsight.people.models import IdentityProvider, Person
from lineofsight.people.sso import secrets
from lineofsight.people.sso.signin import SignInRefused, person_for

log = logging.getLogger("lineofsight.sso")
ALGORITHM = "RS256"
PATH = "lineofsight.people.sso.backend.ProviderBackend"


def callback_url() -> str:
    """The redirect URI every provider is given (docs/identity.md)."""
    return settings.SITE_URL + reverse("sso-callback")


class ProviderBackend(OIDCAuthenticationBackend):
    provider: IdentityProvider

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's: its configuration comes from settings; ours from the provider.
        self.UserModel = get_user_model()

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        per_provider = {
            "OIDC_VERIFY_SSL": True,
            "OIDC_TIMEOUT": settings.SSO_TIMEOUT_SECONDS,
            "OIDC_PROXY": None,
            "OIDC_TOKEN_USE_BASIC_AUTH": (
                self.provider.client_auth == IdentityProvider.ClientAuth.BASIC
            ),
            "OIDC_USE_NONCE": True,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_VERIFY_KID": True,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_RP_SCOPES": self.provider.scopes,
        }
        if attr in per_provider:
            return per_provider[attr]
        return args[0] if args else None

    def configure(self, provider: IdentityProvider) -> None:
        secret = secrets.decrypt(provider.client_secret_encrypted)
        if secret is None:
            raise SignInRefused(
                f"{provider.name}'s client secret cannot be read (the server's secret key "
                "changed); HR must enter it again.",
                status=503,
            )
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = secret
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    # -- Django's backend interface ---------------------------------------------------------

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **kwargs: Any
    ) -> Person | None:
        """Only the callback's call (with ``provider``) signs in here; passwords never do."""
        provider = kwargs.get("provider")
        if request is None or not isinstance(provider, IdentityProvider):
            return None
        return self.sign_in(
            request,
            provider,
            code=kwargs["code"],
            nonce=kwargs["nonce"],
            code_verifier=kwargs["code_verifier"],
        )

    def sign_in(
        self,
        request: HttpRequest,
        provider: IdentityProvider,
        *,
        code: str,
        nonce: str,
        code_verifier: str,
    ) -> Person:
        self.request = request
        self.configure(provider)
        payload = {
            "client_id": provider.client_id,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback_url(),
            "code_verifier": code_verifier,
        }
        try:
            tokens = self.get_token(payload)
        except requests.HTTPError as exc:
            raise SignInRefused(
                f"{provider.name} refused to exchange the sign-in code (it may have been used "
                "already, or the client id and secret are wrong). Try again.",
                status=400,
                detail=str(exc),
            ) from None
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused(
                f"{provider.name} could not be reached to finish signing in; try again.",
                status=502,
                detail=type(exc).__name__,
            ) from None
        id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise SignInRefused(f"{provider.name} sent no ID token.", status=400)
        claims = self.checked_claims(id_token, nonce)
        claims = self._with_userinfo(claims, tokens.get("access_token"))
        return person_for(provider, claims)

    def get_user(self, user_id: Any) -> Any:
        return self.UserModel._default_manager.filter(pk=user_id).first()

    # -- the ID token -----------------------------------------------------------------------

    def checked_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        name = self.provider.name
        try:
            claims = self.verify_token(id_token, nonce=nonce)
        except SignInRefused:
            raise
        except SuspiciousOperation as exc:
            message = str(exc)
            if "Nonce" in message:
                raise SignInRefused(
                    f"The ID token from {name} was not issued for this sign-in (its nonce "
                    "differs); start again.",
                    status=400,
                ) from None
            raise SignInRefused(
                f"The ID token from {name} is not signed by one of its keys.",
                status=400,
                detail=message,
            ) from None
        except (requests.RequestException, ValueError, KeyError, jwt.PyJWTError) as exc:
            raise SignInRefused(
                f"The ID token from {name} could not be checked against its keys.",
                status=400,
                detail=type(exc).__name__,
            ) from None
        return dict(claims)

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        name = self.provider.name
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError:
            raise SignInRefused(f"{name} sent an ID token that is not a JWT.", status=400) from None
        if header.get("alg") != ALGORITHM:
            raise SignInRefused(
                f"The ID token from {name} is signed with {header.get('alg')!r}, not RS256.",
                status=400,
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[ALGORITHM],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=settings.SSO_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused(
                f"The ID token from {name} has expired; start again.", status=400
            ) from None
        except jwt.InvalidAudienceError:
            raise SignInRefused(
                f"The ID token from {name} was issued for another application (its audience "
                "is not this one's client id).",
                status=400,
            ) from None
        except jwt.InvalidIssuerError:
            raise SignInRefused(
                f"The ID token was not issued by {name} (its issuer differs).", status=400
            ) from None
        except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError):
            raise SignInRefused(
                f"The ID token from {name} is dated in the future; check the server's clock.",
                status=400,
            ) from None
        except jwt.InvalidSignatureError:
            raise SignInRefused(
                f"The ID token from {name} is not signed by one of its keys.", status=400
            ) from None
        except jwt.MissingRequiredClaimError as exc:
            raise SignInRefused(
                f"The ID token from {name} has no {exc.claim!r} claim.", status=400
            ) from None
        except jwt.PyJWTError as exc:
            raise SignInRefused(
                f"The ID token from {name} is not valid.", status=400, detail=str(exc)
            ) from None
        audience = claims.get("aud")
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.provider.client_id:
            raise SignInRefused(
                f"The ID token from {name} names several audiences but not this "
                "application as its authorised party.",
                status=400,
            )
        return claims

    def _with_userinfo(self, claims: dict[str, Any], access_token: Any) -> dict[str, Any]:
        """The ID token's claims; when it lacks the email address or its verification, those
        from the userinfo endpoint too (only when its ``sub`` is the same person's)."""
        if "email" in claims and "email_verified" in claims:
            return claims
        if not self.provider.userinfo_endpoint or not isinstance(access_token, str):
            return claims
        try:
            info = self.get_userinfo(access_token, None, claims)
        except (requests.RequestException, ValueError, SuspiciousOperation) as exc:
            log.warning("Userinfo from %s unreadable: %s", self.provider.slug, exc)
            return claims
        if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            log.warning("Userinfo from %s names another subject; ignored.", self.provider.slug)
            return claims
        merged = dict(info)
        merged.update(claims)  # the signed claims win; userinfo fills the gaps
        return merged
