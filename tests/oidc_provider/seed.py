"""Fill the test provider's database: ``python -m tests.oidc_provider.seed REDIRECT_URI``."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from tests.oidc_provider.world import CLIENTS, PASSWORD, SECRET, USERS  # noqa: E402


def main(redirect_uri: str) -> None:
    for username, (email, group) in USERS.items():
        user = User.objects.create_user(username, email=email, password=PASSWORD)
        user.first_name, user.last_name = username.title(), "Provider"
        user.save()
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
    for client_id, name in CLIENTS.items():
        Application.objects.create(
            name=name,
            client_id=client_id,
            client_secret=SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


if __name__ == "__main__":
    main(sys.argv[1])
