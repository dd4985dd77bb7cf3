"""/api/privacy: personal data requests (HR). Export everything about a person as a ZIP;
erase a person who has left. The same actions as the pages and the command line."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Input
from lineofsight.api.errors import WRITE_ERRORS
from lineofsight.api.types import ParamId
from lineofsight.people.models import Person
from lineofsight.privacy import actions
from lineofsight.privacy.export import filename

router = Router(tags=["personal data requests"])


class EraseIn(Input):
    confirm_name: str = Field(
        max_length=200, description="The person's current name, typed to confirm."
    )


class ErasedOut(Schema):
    id: int
    name: str = Field(description="The name they have from now on: `Former employee #<id>`.")


def _person(request: HttpRequest, id: int) -> Person:
    actions.require_hr(caller(request))  # before the lookup: others learn nothing (403)
    return Person.objects.select_related("manager").get(pk=id)


@router.post(
    "/people/{id}/export",
    response={**WRITE_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "A ZIP of JSON files (profile, teams, objectives, check-ins, "
                "reviews as the person may read them, feedback and comments they wrote, "
                "recognition, one-on-ones, notifications) and a README.txt.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_person_data(request: HttpRequest, id: ParamId) -> Any:
    """Everything about one person, as a ZIP (HR). Audited: who exported whom."""
    person = _person(request, id)
    data = actions.export_person(acting_user=caller(request), person=person)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename(person)}"'
    return response


@router.post("/people/{id}/erase", response={200: ErasedOut, **WRITE_ERRORS})
def erase_person(request: HttpRequest, id: ParamId, payload: EraseIn) -> Any:
    """Anonymise a person who has left, for good (HR). Refused (422, field `person`) while
    they are active or manage active people; `confirm_name` must be their current name."""
    person = _person(request, id)
    erased = actions.erase_person(
        acting_user=caller(request), person=person, confirm_name=payload.confirm_name
    )
    return {"id": erased.pk, "name": erased.name}
