"""The providers' client secrets, kept encrypted at rest.

Fernet (AES-128-CBC with an HMAC, from the cryptography package) under a key derived from
Django's ``SECRET_KEY``; the keys in ``SECRET_KEY_FALLBACKS`` still decrypt, so rotating the
secret key keeps secrets readable until they are saved again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"lineofsight identity provider client secret"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(secret: str) -> str:
    return _keys().encrypt(secret.encode()).decode() if secret else ""


def decrypt(token: str) -> str | None:
    """The secret, "" when none was given, or None when it cannot be read (the secret key
    changed without keeping the old one as a fallback)."""
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
