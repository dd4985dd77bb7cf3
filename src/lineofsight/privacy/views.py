"""The personal data request pages (HR): find a person, export them, erase them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.core.errors import InvalidInput
from lineofsight.core.web import SignedInRequest, page, render_page
from lineofsight.people.models import Person
from lineofsight.privacy import actions, selectors
from lineofsight.privacy.export import filename


@page
@require_GET
def requests_page(request: SignedInRequest) -> HttpResponse:
    actions.require_hr(request.user)
    query = request.GET.get("q", "").strip()[:100]
    return render_page(
        request,
        "privacy/requests.html",
        {
            "nav": "privacy",
            "query": query,
            "found": selectors.find_people(query),
            "recent": selectors.recent_requests(),
        },
    )


@page
@require_GET
def person_page(request: SignedInRequest, person_id: int) -> HttpResponse:
    actions.require_hr(request.user)
    person = Person.objects.select_related("manager").get(pk=person_id)
    return render_page(
        request,
        "privacy/person.html",
        {
            "nav": "privacy",
            "person": person,
            "held": selectors.held_about(person),
            "refusal": actions.erase_refusal(person),
            "erased": actions.is_erased(person),
        },
    )


@page
@require_POST
def export_zip(request: SignedInRequest, person_id: int) -> HttpResponse:
    actions.require_hr(request.user)
    person = Person.objects.select_related("manager").get(pk=person_id)
    data = actions.export_person(acting_user=request.user, person=person)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename(person)}"'
    return response


@page
@require_http_methods(["GET", "POST"])
def erase_page(request: SignedInRequest, person_id: int) -> HttpResponse:
    actions.require_hr(request.user)
    person = Person.objects.get(pk=person_id)
    errors: dict[str, list[str]] = {}
    typed = ""
    if request.method == "POST":
        typed = request.POST.get("confirm_name", "")
        try:
            erased = actions.erase_person(
                acting_user=request.user, person=person, confirm_name=typed
            )
        except InvalidInput as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Erased: the person is now {erased.name}.")
            return redirect("privacy-person", person_id=erased.pk)
    return render_page(
        request,
        "privacy/erase.html",
        {
            "nav": "privacy",
            "person": person,
            "steps": actions.erasure_steps(person),
            "refusal": actions.erase_refusal(person),
            "errors": errors,
            "typed": typed,
        },
        status=422 if errors else 200,
    )
