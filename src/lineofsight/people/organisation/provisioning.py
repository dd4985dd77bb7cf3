"""HR's page for provisioning (``/organisation/provisioning/``): the SCIM address to give an
identity provider, the tokens that open it (made here and shown once, revoked here), and
when each was last used. Everyone but HR gets 403."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.forms import TokenForm
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.people.organisation.selectors import require_hr
from lineofsight.people.scim import tokens


class ScimTokenForm(TokenForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].help_text = "The provider it is for, e.g. 'Entra ID' or 'Okta'."


def _page(
    request: SignedInRequest, form: ScimTokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    rows = list(tokens.scim_tokens_for_user(request.user))
    return render_page(
        request,
        "people/organisation/provisioning.html",
        {
            "nav": "organisation",
            "tokens": rows,
            "live": sum(1 for t in rows if t.revoked_at is None),
            "form": form,
            "secret": secret,
            "base_url": str(settings.SITE_URL).rstrip("/") + reverse("scim:root"),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def provisioning(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    if request.method == "POST":
        form = ScimTokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = tokens.create_scim_token(
                    acting_user=request.user, name=form.cleaned_data["name"]
                )
            except InvalidInput as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Token {token.name!r} created.")
                return _page(request, ScimTokenForm(), secret=secret)
        return _page(request, form, status=422)
    return _page(request, ScimTokenForm())


@page
@require_POST
def provisioning_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    require_hr(request.user)
    token = tokens.scim_tokens_for_user(request.user).get(pk=token_id)
    try:
        tokens.revoke_scim_token(acting_user=request.user, token=token)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(
            request, f"Token {token.name!r} revoked; the provider's next request is refused."
        )
    return redirect("org-provisioning")
