"""Initiatives: the pieces of work planned under a key result, with an owner, a state and an
optional link. They are shown beside the key result and feed no figure.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.actions._common import (
    TITLE_MAX,
    _choice,
    _closed_cycle_guard,
    _text,
    _viewer,
)
from lineofsight.goals.models import Initiative, KeyResult
from lineofsight.people.models import Person

_url = URLValidator(schemes=["http", "https"])


def _validate_initiative(
    errors: dict[str, str], *, title: str, state: str, link: str
) -> tuple[str, str]:
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    _choice(errors, "state", state, Initiative.State.values)
    link = (link or "").strip()
    if link:
        try:
            _url(link)
        except ValidationError:
            errors["link"] = "Enter a full web address starting with http:// or https://."
    return title, link


@transaction.atomic
def create_initiative(
    *,
    acting_user: Person,
    key_result: KeyResult,
    title: str,
    owner: Person,
    state: str = Initiative.State.PLANNED,
    link: str = "",
    amendment_reason: str = "",
) -> Initiative:
    viewer = _viewer(acting_user)
    kr = KeyResult.objects.select_related("objective", "cycle").get(pk=key_result.pk)
    if not viewer.can_check_in(kr):
        raise NotAllowed("You cannot add initiatives to this key result.")
    amendment = _closed_cycle_guard(viewer, kr.cycle, amendment_reason)
    errors: dict[str, str] = {}
    title, link = _validate_initiative(errors, title=title, state=state, link=link)
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an active person to own this initiative."
    if errors:
        raise InvalidInput(errors)
    initiative = Initiative.objects.create(
        key_result=kr, title=title, owner=owner, state=state, link=link
    )
    audit.record(
        actor=acting_user,
        action="initiative.create",
        subject=initiative,
        data={"title": title, "key_result": kr.pk},
        amendment_reason=amendment,
    )
    return initiative


@transaction.atomic
def update_initiative(
    *,
    acting_user: Person,
    initiative: Initiative,
    title: str | None = None,
    owner: Person | None = None,
    state: str | None = None,
    link: str | None = None,
    amendment_reason: str = "",
) -> Initiative:
    viewer = _viewer(acting_user)
    initiative = Initiative.objects.select_related(
        "key_result__objective", "key_result__cycle"
    ).get(pk=initiative.pk)
    if not viewer.can_edit_initiative(initiative):
        raise NotAllowed("You cannot edit this initiative.")
    amendment = _closed_cycle_guard(viewer, initiative.key_result.cycle, amendment_reason)
    errors: dict[str, str] = {}
    new_title, new_link = _validate_initiative(
        errors,
        title=initiative.title if title is None else title,
        state=initiative.state if state is None else state,
        link=initiative.link if link is None else link,
    )
    if owner is not None and not owner.is_active:
        errors["owner"] = "Choose an active person to own this initiative."
    if errors:
        raise InvalidInput(errors)
    before = {
        "title": initiative.title,
        "state": initiative.state,
        "link": initiative.link,
        "owner": initiative.owner_id,
    }
    initiative.title = new_title
    initiative.link = new_link
    if state is not None:
        initiative.state = state
    if owner is not None:
        initiative.owner = owner
    initiative.updated_at = timezone.now()
    initiative.save()
    after = {
        "title": initiative.title,
        "state": initiative.state,
        "link": initiative.link,
        "owner": initiative.owner_id,
    }
    audit.record(
        actor=acting_user,
        action="initiative.update",
        subject=initiative,
        data={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        amendment_reason=amendment,
    )
    return initiative
