"""Claims for the provider's users, and the faulty applications.

A user in the group ``email-unverified`` has ``email_verified: false``; one in
``no-email-verified`` gets no such claim at all (as Microsoft Entra ID often does).
An application named after a fault issues real, signed ID tokens with it:

* ``expired``: the token expired ten minutes ago;
* ``wrong-audience``: the token names another application's client id as its audience;
* ``forged-signature``: the token is signed by a key the provider does not publish (under
  the published key's id).
"""

import base64
import json
import time

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.world import OTHER_CLIENT_ID

_FORGER = jwk.JWK.generate(kty="RSA", size=2048)


def _json(part: str) -> str:
    """A JWT part, decoded (and checked to be JSON)."""
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    return json.dumps(json.loads(raw))


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        groups = set(user.groups.values_list("name", flat=True))
        claims = {"name": user.get_full_name() or user.username, "email": user.email}
        if "no-email-verified" not in groups:
            claims["email_verified"] = "email-unverified" not in groups
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        fault = request.client.name
        if fault == "expired":
            now = int(time.time())
            claims["iat"] = now - 4200
            claims["exp"] = now - 600
        elif fault == "wrong-audience":
            claims["aud"] = OTHER_CLIENT_ID
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if request.client.name != "forged-signature":
            return signed
        header_part, claims_part, _signature = signed.split(".")
        forged = jwt.JWT(header=_json(header_part), claims=_json(claims_part))
        forged.make_signed_token(_FORGER)
        return forged.serialize()
