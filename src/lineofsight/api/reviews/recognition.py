"""Recognition over the API: public kudos (optionally for a key result) and spot-bonus
nominations, which HR approves or declines with a note.

Kudos are public, except that a kudos about a key result is listed only for those who may see
that key result. A nomination is seen by the nominee's manager chain, HR and the nominator;
never by the nominee (404 for them, as for anyone else). Nothing computes pay: a nomination
carries no amount.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, Page, PageQuery, References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, Id, LongText, ParamId
from lineofsight.core.errors import NotAllowed
from lineofsight.goals.selectors import key_results_for_user
from lineofsight.people.selectors import people_visible_to
from lineofsight.reviews.models import Kudos, SpotBonusNomination
from lineofsight.reviews.recognition import actions
from lineofsight.reviews.recognition import selectors as recognition

kudos = Router(tags=["reviews: recognition"])
nominations = Router(tags=["reviews: recognition"])

NominationState = Literal["submitted", "approved", "declined"]
Decision = Literal["approved", "declined"]


class KudosOut(Schema):
    id: int
    author: int
    author_name: str
    recipient: int
    recipient_name: str
    key_result: int | None
    key_result_title: str
    message: str
    created_at: DateTime


class KudosQuery(PageQuery):
    recipient: ParamId | None = Field(None, description="Kudos received by this person.")
    key_result: ParamId | None = Field(None, description="Kudos about this key result.")


class KudosIn(Input):
    recipient: Id = Field(description="Anyone but yourself.")
    message: LongText = Field(description="Required; up to 2,000 characters.")
    key_result: Id | None = Field(None, description="A key result you can see (optional).")


class NominationOut(Schema):
    id: int
    nominator: int
    nominator_name: str
    nominee: int
    nominee_name: str
    key_result: int | None
    key_result_title: str
    reason: str
    state: NominationState
    decided_by: int | None
    decided_at: DateTime | None
    decision_note: str
    created_at: DateTime


class NominationQuery(PageQuery):
    state: NominationState | None = None


class NominationIn(Input):
    nominee: Id = Field(description="Anyone but yourself. They are not told.")
    reason: LongText = Field(description="Required; up to 5,000 characters.")
    key_result: Id | None = Field(None, description="A key result you can see (optional).")


class DecisionIn(Input):
    decision: Decision
    note: LongText = Field(description="Required; sent to the nominator with the decision.")


def _kudos_row(k: Kudos) -> dict[str, Any]:
    return {
        "id": k.pk,
        "author": k.author_id,
        "author_name": k.author.name,
        "recipient": k.recipient_id,
        "recipient_name": k.recipient.name,
        "key_result": k.key_result_id,
        "key_result_title": k.key_result.title if k.key_result else "",
        "message": k.message,
        "created_at": k.created_at,
    }


def _nomination_row(n: SpotBonusNomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "nominator": n.nominator_id,
        "nominator_name": n.nominator.name,
        "nominee": n.nominee_id,
        "nominee_name": n.nominee.name,
        "key_result": n.key_result_id,
        "key_result_title": n.key_result.title if n.key_result else "",
        "reason": n.reason,
        "state": n.state,
        "decided_by": n.decided_by_id,
        "decided_at": n.decided_at,
        "decision_note": n.decision_note,
        "created_at": n.created_at,
    }


@kudos.get("", response={200: Page[KudosOut], **READ_ERRORS})
def list_kudos(request: HttpRequest, filters: Query[KudosQuery]) -> Any:
    """Kudos, newest first (about key results you can see, or about none)."""
    qs = recognition.kudos_visible_to(caller(request))
    if filters.recipient is not None:
        qs = qs.filter(recipient_id=filters.recipient)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    total, rows = page_of(qs, filters)
    return page(total, filters, [_kudos_row(k) for k in rows])


@kudos.post("", response={201: KudosOut, **WRITE_ERRORS})
def give_kudos(request: HttpRequest, payload: KudosIn) -> Any:
    """Thank someone publicly, for a key result where there is one."""
    user = caller(request)
    refs = References()
    recipient = refs.get(people_visible_to(user), payload.recipient, "recipient", "active person")
    key_result = refs.get(
        key_results_for_user(user), payload.key_result, "key_result", "key result"
    )
    refs.check()
    made = actions.give_kudos(
        acting_user=user, recipient=recipient, message=payload.message, key_result=key_result
    )
    return Status(201, _kudos_row(recognition.kudos_visible_to(user).get(pk=made.pk)))


@nominations.get("", response={200: Page[NominationOut], **READ_ERRORS})
def list_spot_bonus_nominations(request: HttpRequest, filters: Query[NominationQuery]) -> Any:
    """The nominations you may see: those you made, those of the people who report to you
    (HR: all), never your own."""
    qs = recognition.nominations_for_user(caller(request))
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    total, rows = page_of(qs, filters)
    return page(total, filters, [_nomination_row(n) for n in rows])


@nominations.post("", response={201: NominationOut, **WRITE_ERRORS})
def nominate_spot_bonus(request: HttpRequest, payload: NominationIn) -> Any:
    """Nominate someone else for a spot bonus, with a reason. HR decides; the nominee is not
    told and never sees it."""
    user = caller(request)
    refs = References()
    nominee = refs.get(people_visible_to(user), payload.nominee, "nominee", "active person")
    key_result = refs.get(
        key_results_for_user(user), payload.key_result, "key_result", "key result"
    )
    refs.check()
    made = actions.nominate_spot_bonus(
        acting_user=user, nominee=nominee, reason=payload.reason, key_result=key_result
    )
    return Status(201, _nomination_row(recognition.get_nomination_for_user(user, made.pk)))


@nominations.get("/{id}", response={200: NominationOut, **READ_ERRORS})
def get_spot_bonus_nomination(request: HttpRequest, id: ParamId) -> Any:
    """One nomination (the nominee's managers, HR and the nominator)."""
    return _nomination_row(recognition.get_nomination_for_user(caller(request), id))


@nominations.post("/{id}/decision", response={200: NominationOut, **WRITE_ERRORS})
def decide_spot_bonus_nomination(request: HttpRequest, id: ParamId, payload: DecisionIn) -> Any:
    """Approve or decline a nomination with a note (HR). The nominator is told."""
    user = caller(request)
    nomination = recognition.get_nomination_for_user(user, id)
    if not Viewer.of(user).can_decide_spot_bonus():
        raise NotAllowed("Only HR decides spot-bonus nominations.")
    actions.decide_spot_bonus(
        acting_user=user, nomination=nomination, decision=payload.decision, note=payload.note
    )
    return _nomination_row(recognition.get_nomination_for_user(user, id))
