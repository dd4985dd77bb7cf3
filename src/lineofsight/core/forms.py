"""Forms for signing in and for personal API tokens."""

from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        required=False,
        label="Name",
        help_text="What will use this token, e.g. 'CRM sync'.",
    )
