"""Blockers: raised in a check-in, assigned to someone, moved from open to being handled to
resolved (with a note) and reopened when they come back. Every change writes a
``BlockerEvent`` (the blocker's history) and an audit row.

Who may do what is the access policy's (``GoalViewer.can_raise_blocker``,
``can_assign_blocker``, ``can_update_blocker``). An assignee must be an active person who
may see the key result's objective: a blocker on a private objective cannot be handed to
someone who could not read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions._common import TEXT_MAX, _text, _viewer
from lineofsight.goals.models import Blocker, BlockerEvent, CheckIn, KeyResult, Objective
from lineofsight.people.models import Person

BLOCKER_MAX = 2_000
RESOLUTION_MAX = 2_000
BLOCKERS_PER_CHECK_IN = 5


@dataclass(frozen=True)
class BlockerInput:
    """One blocker as raised in a check-in: its text and, optionally, whom it is for."""

    text: str
    assignee_id: int | None = None


def _may_be_assigned(person: Person, objective_id: int) -> bool:
    viewer = GoalViewer.of(person)
    return Objective.objects.filter(viewer.objective_filter(), pk=objective_id).exists()


def _assignee(
    errors: dict[str, str], field: str, assignee_id: int | None, key_result: KeyResult
) -> Person | None:
    if assignee_id is None:
        return None
    person = Person.objects.filter(pk=assignee_id, is_active=True).first()
    if person is None:
        errors[field] = "Choose someone in the organisation."
        return None
    if not _may_be_assigned(person, key_result.objective_id):
        errors[field] = (
            f"{person.name} cannot see this objective; choose someone who can, or leave "
            "it unassigned."
        )
        return None
    return person


def clean_blockers(
    errors: dict[str, str],
    blockers: str | Sequence[BlockerInput],
    key_result: KeyResult,
) -> list[tuple[str, Person | None]]:
    """The blockers of a check-in, checked (errors by field: ``blockers.0.text``,
    ``blockers.0.assignee``; a plain text is one blocker, errors on ``blockers``)."""
    if isinstance(blockers, str):
        text = _text(errors, "blockers", blockers, required=False, limit=BLOCKER_MAX)
        return [(text, None)] if text else []
    if len(blockers) > BLOCKERS_PER_CHECK_IN:
        errors["blockers"] = f"Raise at most {BLOCKERS_PER_CHECK_IN} blockers in one check-in."
        return []
    out: list[tuple[str, Person | None]] = []
    for i, item in enumerate(blockers):
        text = _text(errors, f"blockers.{i}.text", item.text, required=False, limit=BLOCKER_MAX)
        if not text:
            if item.assignee_id is not None:
                errors[f"blockers.{i}.text"] = "Say what is in the way before assigning it."
            continue
        person = _assignee(errors, f"blockers.{i}.assignee", item.assignee_id, key_result)
        out.append((text, person))
    return out


def create_blockers(
    *,
    acting_user: Person,
    check_in: CheckIn,
    blockers: list[tuple[str, Person | None]],
    at: dt.datetime,
) -> list[Blocker]:
    """Write checked blockers for a check-in (inside the caller's transaction)."""
    made = []
    for text, assignee in blockers:
        blocker = Blocker.objects.create(
            key_result_id=check_in.key_result_id,
            check_in=check_in,
            text=text,
            raised_by=acting_user,
            assignee=assignee,
            raised_at=at,
            open_since=at,
            updated_at=at,
        )
        BlockerEvent.objects.create(
            blocker=blocker,
            kind=BlockerEvent.Kind.RAISED,
            actor=acting_user,
            to_state=Blocker.State.OPEN,
            person=assignee,
            at=at,
        )
        audit.record(
            actor=acting_user,
            action="blocker.raise",
            subject=blocker,
            data={"key_result": check_in.key_result_id, "assignee": assignee and assignee.pk},
        )
        made.append(blocker)
    return made


@transaction.atomic
def raise_blockers(
    *,
    acting_user: Person,
    check_in: CheckIn,
    blockers: Sequence[BlockerInput],
) -> list[Blocker]:
    """Raise blockers on an existing check-in (its author or the key result's editors)."""
    viewer = _viewer(acting_user)
    ci = CheckIn.objects.select_related("key_result__objective", "key_result__cycle").get(
        pk=check_in.pk
    )
    kr = ci.key_result
    if not (ci.author_id == acting_user.pk or viewer.can_raise_blocker(kr)):
        raise NotAllowed("Only the check-in's author and the key result's editors raise blockers.")
    if kr.cycle.is_closed:
        raise NotAllowed(f"{kr.cycle.name} is closed; it takes no new blockers.")
    errors: dict[str, str] = {}
    cleaned = clean_blockers(errors, blockers, kr)
    if not cleaned and not errors:
        errors["blockers"] = "Say what is in the way."
    if errors:
        raise InvalidInput(errors)
    return create_blockers(
        acting_user=acting_user, check_in=ci, blockers=cleaned, at=timezone.now()
    )


def _locked(blocker: Blocker) -> Blocker:
    return (
        Blocker.objects.select_for_update(of=("self",))
        .select_related("key_result__objective", "assignee")
        .get(pk=blocker.pk)
    )


@transaction.atomic
def assign_blocker(*, acting_user: Person, blocker: Blocker, assignee_id: int | None) -> Blocker:
    """Give a blocker to someone (or to nobody, with ``None``)."""
    viewer = _viewer(acting_user)
    b = _locked(blocker)
    if not viewer.can_assign_blocker(b):
        raise NotAllowed(
            "Only the person who raised it, the key result's editors and the assignee's "
            "managers assign a blocker."
        )
    errors: dict[str, str] = {}
    person = _assignee(errors, "assignee", assignee_id, b.key_result)
    if errors:
        raise InvalidInput(errors)
    if (person and person.pk) == b.assignee_id:
        return b
    now = timezone.now()
    before = b.assignee_id
    b.assignee = person
    b.updated_at = now
    b.save(update_fields=["assignee", "updated_at"])
    BlockerEvent.objects.create(
        blocker=b, kind=BlockerEvent.Kind.ASSIGNED, actor=acting_user, person=person, at=now
    )
    audit.record(
        actor=acting_user,
        action="blocker.assign",
        subject=b,
        data={"from": before, "to": person and person.pk},
    )
    return b


@transaction.atomic
def set_blocker_state(
    *, acting_user: Person, blocker: Blocker, state: str, note: str = ""
) -> Blocker:
    """Move a blocker to ``state``: resolving asks for a short note; a resolved blocker may
    be reopened (its escalation clock starts again)."""
    viewer = _viewer(acting_user)
    b = _locked(blocker)
    if not viewer.can_update_blocker(b):
        raise NotAllowed(
            "Only the assignee, the person who raised it, the key result's editors and the "
            "assignee's managers change a blocker's state."
        )
    errors: dict[str, str] = {}
    if state not in Blocker.State.values:
        errors["state"] = f"Choose one of: {', '.join(Blocker.State.values)}."
    elif state == b.state:
        errors["state"] = f"It is {b.get_state_display().lower()} already."
    note = _text(
        errors,
        "note",
        note,
        required=state == Blocker.State.RESOLVED,
        limit=min(RESOLUTION_MAX, TEXT_MAX),
    )
    if state == Blocker.State.RESOLVED and errors.get("note") == "This field is required.":
        errors["note"] = "Say in a few words how it was resolved."
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    before = b.state
    b.state = state
    b.updated_at = now
    if state == Blocker.State.RESOLVED:
        b.resolved_at = now
        b.resolution_note = note
    elif before == Blocker.State.RESOLVED:  # reopened
        b.resolved_at = None
        b.resolution_note = ""
        b.open_since = now
    b.save()
    BlockerEvent.objects.create(
        blocker=b,
        kind=BlockerEvent.Kind.STATE,
        actor=acting_user,
        from_state=before,
        to_state=state,
        note=note,
        at=now,
    )
    audit.record(
        actor=acting_user,
        action="blocker.state",
        subject=b,
        data={"from": before, "to": state, "note": note},
    )
    return b


@transaction.atomic
def record_blocker_escalations(escalations: Sequence[tuple[int, int, int]]) -> int:
    """Note on each blocker that it went up the chain: (blocker, recipient, step) triples of
    escalations just queued by the reminder run (which sends each once)."""
    now = timezone.now()
    existing = set(
        Blocker.objects.filter(pk__in=[b for b, _, _ in escalations]).values_list("pk", flat=True)
    )
    rows = [
        BlockerEvent(
            blocker_id=blocker_id,
            kind=BlockerEvent.Kind.ESCALATED,
            person_id=recipient_id,
            note=f"Step {step} up the manager chain.",
            at=now,
        )
        for blocker_id, recipient_id, step in escalations
        if blocker_id in existing
    ]
    BlockerEvent.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def update_blocker(
    *,
    acting_user: Person,
    blocker: Blocker,
    state: str | None = None,
    note: str = "",
    assignee_id: int | None = None,
    assign: bool = False,
) -> Blocker:
    """Change the assignee (when ``assign``) and the state (when given) together: if either
    is refused, neither is saved."""
    if assign:
        blocker = assign_blocker(acting_user=acting_user, blocker=blocker, assignee_id=assignee_id)
    if state is not None:
        blocker = set_blocker_state(
            acting_user=acting_user, blocker=blocker, state=state, note=note
        )
    return blocker
