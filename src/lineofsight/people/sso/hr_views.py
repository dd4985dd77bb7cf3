"""HR's sign-in page (``/organisation/sign-in/``): identity providers, the "SSO only" rule
and break-glass admins. Everyone but HR gets 403; every change goes through
``people.sso.actions`` (audited, all or nothing, errors on the field they name)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, page, render_page
from lineofsight.people.models import IdentityProvider, Organisation, Person, Team
from lineofsight.people.organisation.selectors import require_hr
from lineofsight.people.sso import actions
from lineofsight.people.sso.backend import callback_url
from lineofsight.people.sso.forms import ProviderForm, UsernameForm

NAV = "organisation"


def _overview(
    request: SignedInRequest,
    *,
    status: int = 200,
    glass_form: UsernameForm | None = None,
    error: str = "",
) -> HttpResponse:
    return render_page(
        request,
        "people/sso/sign_in_settings.html",
        {
            "nav": NAV,
            "providers": IdentityProvider.objects.select_related("holding_team"),
            "organisation": Organisation.current(),
            "break_glass": actions.break_glass_admins(),
            "glass_form": glass_form or UsernameForm(),
            "callback_url": callback_url(),
            "error": error,
        },
        status=status,
    )


@page
@require_GET
def overview(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    return _overview(request)


@page
@require_POST
def sso_only(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    on = request.POST.get("sso_only") == "on"
    try:
        actions.set_sso_only(acting_user=request.user, on=on)
    except InvalidInput as exc:
        return _overview(request, status=422, error=exc.summary())
    messages.success(
        request,
        "Sign-in is now single sign-on only (break-glass admins keep their password)."
        if on
        else "People may sign in with a password again.",
    )
    return redirect("org-sign-in")


@page
@require_POST
def break_glass_add(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    form = UsernameForm(request.POST)
    if form.is_valid():
        person = Person.objects.filter(username=form.cleaned_data["username"].strip()).first()
        if person is None:
            form.add_error(
                "username", f"Nobody has the username {form.cleaned_data['username']!r}."
            )
        else:
            try:
                actions.set_break_glass(acting_user=request.user, person=person, on=True)
            except InvalidInput as exc:
                apply_errors(form, exc, {"person": "username"})
            else:
                messages.success(request, f"{person.name} is a break-glass admin.")
                return redirect("org-sign-in")
    return _overview(request, status=422, glass_form=form)


@page
@require_POST
def break_glass_remove(request: SignedInRequest, person_id: int) -> HttpResponse:
    require_hr(request.user)
    person = Person.objects.get(pk=person_id, break_glass=True)
    try:
        actions.set_break_glass(acting_user=request.user, person=person, on=False)
    except InvalidInput as exc:
        return _overview(request, status=422, error=exc.summary())
    messages.success(request, f"{person.name} is no longer a break-glass admin.")
    return redirect("org-sign-in")


def _form_page(
    request: SignedInRequest,
    form: ProviderForm,
    provider: IdentityProvider | None,
    status: int = 200,
) -> HttpResponse:
    return render_page(
        request,
        "people/sso/provider_form.html",
        {"nav": NAV, "form": form, "provider": provider, "callback_url": callback_url()},
        status=status,
    )


def _input(form: ProviderForm) -> actions.ProviderInput:
    data = form.cleaned_data
    team_id = as_id(data.get("holding_team") or "")
    return actions.ProviderInput(
        name=data["name"],
        slug=data["slug"],
        kind=data["kind"],
        issuer=data["issuer"],
        client_id=data["client_id"],
        client_secret=data["client_secret"] or None,
        client_auth=data["client_auth"],
        scopes=data["scopes"],
        trust_email=data["trust_email"],
        allowed_domains=data["allowed_domains"],
        create_people=data["create_people"],
        holding_team=Team.objects.filter(pk=team_id).first() if team_id else None,
        enabled=data["enabled"],
    )


@page
@require_http_methods(["GET", "POST"])
def provider_new(request: SignedInRequest) -> HttpResponse:
    require_hr(request.user)
    if request.method != "POST":
        return _form_page(request, ProviderForm(editing=False), None)
    form = ProviderForm(request.POST, editing=False)
    if form.is_valid():
        try:
            provider = actions.save_provider(
                acting_user=request.user, provider=None, data=_input(form)
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added {provider.name}: its discovery document was read.")
            return redirect("org-sign-in")
    return _form_page(request, form, None, status=422)


def _initial(provider: IdentityProvider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "slug": provider.slug,
        "kind": provider.kind,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_auth": provider.client_auth,
        "scopes": provider.scopes,
        "allowed_domains": provider.allowed_domains,
        "trust_email": provider.trust_email,
        "create_people": provider.create_people,
        "holding_team": str(provider.holding_team_id or ""),
        "enabled": provider.enabled,
    }


@page
@require_http_methods(["GET", "POST"])
def provider_edit(request: SignedInRequest, provider_id: int) -> HttpResponse:
    require_hr(request.user)
    provider = IdentityProvider.objects.get(pk=provider_id)
    if request.method != "POST":
        return _form_page(request, ProviderForm(initial=_initial(provider), editing=True), provider)
    form = ProviderForm(request.POST, editing=True)
    if form.is_valid():
        try:
            actions.save_provider(acting_user=request.user, provider=provider, data=_input(form))
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Saved {form.cleaned_data['name']}.")
            return redirect("org-sign-in")
    return _form_page(request, form, provider, status=422)


@page
@require_POST
def provider_delete(request: SignedInRequest, provider_id: int) -> HttpResponse:
    require_hr(request.user)
    provider = IdentityProvider.objects.get(pk=provider_id)
    try:
        actions.delete_provider(acting_user=request.user, provider=provider)
    except InvalidInput as exc:
        return _overview(request, status=422, error=exc.summary())
    messages.success(request, f"Removed {provider.name}.")
    return redirect("org-sign-in")
