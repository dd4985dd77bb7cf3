"""The test provider's users and applications (no Django here: the tests import it too)."""

OTHER_CLIENT_ID = "another-application"
PASSWORD = "provider-password"  # noqa: S105
SECRET = "provider-client-secret"  # noqa: S105
# username -> (email, group)
USERS = {
    "ava": ("ava.adams@example.com", None),
    "newcomer": ("new.comer@example.com", None),
    "outsider": ("visitor@elsewhere.org", None),
    "una": ("una.verified@example.com", "email-unverified"),
    "entra": ("eli.entra@example.com", "no-email-verified"),
    "gone": ("gone.away@example.com", None),
}
# client id -> application name (a fault, or "good")
CLIENTS = {
    "line-of-sight": "good",
    "line-of-sight-expired": "expired",
    "line-of-sight-audience": "wrong-audience",
    "line-of-sight-forged": "forged-signature",
    OTHER_CLIENT_ID: "good",
}
