"""The form of HR's identity provider page: the shape of the input; the action checks the
rest (the issuer's discovery document, unique short names, the holding team)."""

from __future__ import annotations

from typing import Any

from django import forms

from lineofsight.people.models import IdentityProvider
from lineofsight.people.organisation.selectors import team_choices


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=100, help_text='Shown as "Sign in with <name>".')
    kind = forms.ChoiceField(choices=IdentityProvider.Kind.choices)
    issuer = forms.CharField(
        label="Issuer",
        max_length=500,
        help_text="The provider's issuer URL; its /.well-known/openid-configuration is read "
        "when you save.",
    )
    client_id = forms.CharField(label="Client id", max_length=255)
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Kept encrypted and never shown again.",
    )
    client_auth = forms.ChoiceField(
        label="Client authentication", choices=IdentityProvider.ClientAuth.choices
    )
    scopes = forms.CharField(max_length=300, initial="openid email profile")
    slug = forms.CharField(
        label="Short name",
        max_length=50,
        required=False,
        help_text="In the sign-in address (/login/sso/<short name>/); empty: made from the name.",
    )
    allowed_domains = forms.CharField(
        label="Allowed email domains",
        max_length=500,
        required=False,
        help_text="Separated by spaces, e.g. example.com example.co.uk; empty for any.",
    )
    trust_email = forms.BooleanField(
        label="Trust its email addresses without email_verified",
        required=False,
        help_text="Only for a provider holding your own directory (Microsoft Entra ID).",
    )
    create_people = forms.BooleanField(
        label="Add people on first sign-in",
        required=False,
        help_text="Someone unknown who signs in is added, in the holding team.",
    )
    holding_team = forms.ChoiceField(label="Holding team", required=False)
    enabled = forms.BooleanField(label="Turned on", required=False, initial=True)

    def __init__(self, *args: Any, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holding_team"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *[(str(t.pk), f"{'— ' * depth}{t.name}") for t, depth in team_choices()],
        ]
        if editing:
            self.fields["client_secret"].help_text = (
                "A secret is stored (never shown). Leave empty to keep it; type a new one to "
                "replace it."
            )


class UsernameForm(forms.Form):
    username = forms.CharField(label="HR admin's username", max_length=150)
