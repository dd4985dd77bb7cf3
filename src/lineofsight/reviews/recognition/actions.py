"""Recognition writes: public kudos and spot-bonus nominations.

* Anyone may give kudos to anyone but themselves, optionally for a key result they can see.
  Kudos are public (a kudos about a key result is shown where that key result may be seen).
* Anyone may nominate someone else for a spot bonus, with a reason, optionally for a key
  result they can see. A nomination is seen by the nominee's manager chain, HR and the
  nominator, never the nominee. HR approves or declines it with a note.
* Nothing here computes pay: a nomination carries no amount, and nothing is derived from OKR
  attainment.

Every action checks the access policy, refuses bad input naming the field and writes
nothing then, records an audit row and tells the people concerned once it has committed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.models import KeyResult
from lineofsight.people.models import Person
from lineofsight.reviews import signals
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.models import Kudos, SpotBonusNomination

MESSAGE_MAX = 2000
REASON_MAX = 5000
NOTE_MAX = 5000


def _viewer(acting_user: Person | None) -> ReviewViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return ReviewViewer.of(acting_user)


def _text(errors: dict[str, str], name: str, value: object, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        errors[name] = "This field is required."
    elif len(text) > limit:
        errors[name] = f"Keep it under {limit} characters (it has {len(text)})."
    return text


def _someone_else(
    errors: dict[str, str], name: str, person: Person | None, me: Person, what: str
) -> None:
    if person is None:
        errors[name] = "Choose a person."
    elif person.pk == me.pk:
        errors[name] = f"You cannot {what} yourself."
    elif not person.is_active:
        errors[name] = f"{person.name} is no longer active."


def _visible_key_result(
    errors: dict[str, str], viewer: ReviewViewer, key_result: KeyResult | None
) -> None:
    if key_result is None:
        return
    if not KeyResult.objects.filter(
        viewer.objective_filter("objective__"), pk=key_result.pk
    ).exists():
        errors["key_result"] = "No such key result."


@transaction.atomic
def give_kudos(
    *,
    acting_user: Person,
    recipient: Person | None,
    message: str,
    key_result: KeyResult | None = None,
    at: dt.datetime | None = None,
) -> Kudos:
    """Public thanks to someone else, for a key result where there is one. ``at`` dates it
    in the past (imports and the demo's history); by default it is given now."""
    viewer = _viewer(acting_user)
    errors: dict[str, str] = {}
    _someone_else(errors, "recipient", recipient, acting_user, "give kudos to")
    text = _text(errors, "message", message, MESSAGE_MAX)
    _visible_key_result(errors, viewer, key_result)
    if errors:
        raise InvalidInput(errors)
    assert recipient is not None
    kudos = Kudos.objects.create(
        author=acting_user,
        recipient=recipient,
        key_result=key_result,
        message=text,
        created_at=min(at, timezone.now()) if at else timezone.now(),
    )
    audit.record(
        actor=acting_user,
        action="recognition.give_kudos",
        subject=kudos,
        data={
            "recipient": recipient.pk,
            "key_result": key_result.pk if key_result else None,
        },
    )
    signals.kudos_given.send(sender=Kudos, kudos_id=kudos.pk)
    return kudos


@transaction.atomic
def nominate_spot_bonus(
    *,
    acting_user: Person,
    nominee: Person | None,
    reason: str,
    key_result: KeyResult | None = None,
) -> SpotBonusNomination:
    """Nominate someone else for a spot bonus, with a reason. The nominee is not told."""
    viewer = _viewer(acting_user)
    errors: dict[str, str] = {}
    _someone_else(errors, "nominee", nominee, acting_user, "nominate")
    text = _text(errors, "reason", reason, REASON_MAX)
    _visible_key_result(errors, viewer, key_result)
    if errors:
        raise InvalidInput(errors)
    assert nominee is not None
    nomination = SpotBonusNomination.objects.create(
        nominator=acting_user, nominee=nominee, key_result=key_result, reason=text
    )
    audit.record(
        actor=acting_user,
        action="recognition.nominate_spot_bonus",
        subject=nomination,
        data={"nominee": nominee.pk, "key_result": key_result.pk if key_result else None},
    )
    return nomination


@transaction.atomic
def decide_spot_bonus(
    *,
    acting_user: Person,
    nomination: SpotBonusNomination,
    decision: str,
    note: str,
) -> SpotBonusNomination:
    """HR approves or declines a nomination, with a note for the nominator."""
    viewer = _viewer(acting_user)
    nomination = SpotBonusNomination.objects.select_for_update().get(pk=nomination.pk)
    if not viewer.can_decide_spot_bonus():
        raise NotAllowed("Only HR decides spot-bonus nominations.")
    if nomination.nominee_id == acting_user.pk:
        raise NotAllowed("Nobody decides their own nomination.")
    errors: dict[str, str] = {}
    choices = [SpotBonusNomination.State.APPROVED, SpotBonusNomination.State.DECLINED]
    if decision not in choices:
        errors["decision"] = f"Choose one of: {', '.join(choices)}."
    text = _text(errors, "note", note, NOTE_MAX)
    if nomination.state != SpotBonusNomination.State.SUBMITTED:
        errors["__all__"] = f"This nomination was {nomination.get_state_display().lower()} already."
    if errors:
        raise InvalidInput(errors)
    nomination.state = decision
    nomination.decision_note = text
    nomination.decided_by = acting_user
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    audit.record(
        actor=acting_user,
        action="recognition.decide_spot_bonus",
        subject=nomination,
        data={"decision": decision, "note": text},
    )
    signals.nomination_decided.send(sender=SpotBonusNomination, nomination_id=nomination.pk)
    return nomination
