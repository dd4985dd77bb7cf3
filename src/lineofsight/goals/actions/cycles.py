"""Cycles: creating the years and their quarters, and moving a cycle from planning to active
to closed. Only HR admins (or the system, acting as nobody) manage cycles.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.actions._common import _choice, _text, _viewer
from lineofsight.goals.actions.cadence import cadence_error
from lineofsight.goals.actions.closing import store_cycle_grades
from lineofsight.goals.models import Cycle
from lineofsight.goals.signals import cycle_closed
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Person


def cycle_errors(
    *,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    parent: Cycle | None = None,
    state: str = Cycle.State.PLANNING,
    check_in_cadence: str = Cadence.WEEKLY,
) -> dict[str, str]:
    """What is wrong with a new cycle, by field (empty when it may be created)."""
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, required=True, limit=100)
    _choice(errors, "kind", kind, Cycle.Kind.values)
    _choice(errors, "state", state, Cycle.State.values)
    _choice(errors, "check_in_cadence", check_in_cadence, [c.value for c in Cadence])
    if name and Cycle.objects.filter(name__iexact=name).exists():
        errors["name"] = f"A cycle called {name!r} exists already."
    if end_date < start_date:
        errors["end_date"] = "The cycle must end on or after the day it starts."
    if kind == Cycle.Kind.ANNUAL and parent is not None:
        errors["parent"] = "An annual cycle does not sit inside another cycle."
    if kind == Cycle.Kind.QUARTER:
        if parent is None:
            errors["parent"] = "Choose the year this quarter belongs to."
        elif parent.kind != Cycle.Kind.ANNUAL:
            errors["parent"] = "A quarter sits inside an annual cycle."
        else:
            _quarter_fits(errors, parent, start_date, end_date)
    return errors


def _quarter_fits(
    errors: dict[str, str],
    parent: Cycle,
    start_date: dt.date,
    end_date: dt.date,
    moving: Cycle | None = None,
) -> None:
    """A quarter lies inside its year and overlaps none of the year's other quarters
    (``moving``: the quarter whose dates change, not counted against itself)."""
    if start_date < parent.start_date or end_date > parent.end_date:
        errors["start_date"] = (
            f"A quarter of {parent.name} must lie between {parent.start_date} and "
            f"{parent.end_date}."
        )
        return
    siblings = Cycle.objects.filter(
        parent=parent, start_date__lte=end_date, end_date__gte=start_date
    )
    if moving is not None:
        siblings = siblings.exclude(pk=moving.pk)
    if siblings.exists():
        errors["start_date"] = f"This quarter overlaps another quarter of {parent.name}."


@transaction.atomic
def create_cycle(
    *,
    acting_user: Person | None,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    parent: Cycle | None = None,
    state: str = Cycle.State.PLANNING,
    check_in_cadence: str = Cadence.WEEKLY,
) -> Cycle:
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    errors = cycle_errors(
        name=name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        parent=parent,
        state=state,
        check_in_cadence=check_in_cadence,
    )
    if errors:
        raise InvalidInput(errors)
    name = name.strip()
    cycle = Cycle.objects.create(
        name=name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        parent=parent,
        state=state,
        check_in_cadence=check_in_cadence,
    )
    audit.record(actor=acting_user, action="cycle.create", subject=cycle, data={"name": name})
    return cycle


_CYCLE_ORDER = [Cycle.State.PLANNING, Cycle.State.ACTIVE, Cycle.State.CLOSED]


@transaction.atomic
def set_cycle_state(*, acting_user: Person | None, cycle: Cycle, state: str) -> Cycle:
    """Move a cycle forward: planning > active > closed. Closing freezes its OKRs and, in
    the same transaction, computes and stores the grade of each of its key results and
    objectives (``closing.store_cycle_grades``), and announces it (``signals.cycle_closed``)."""
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins open and close cycles.")
    errors: dict[str, str] = {}
    _choice(errors, "state", state, Cycle.State.values)
    if errors:
        raise InvalidInput(errors)
    if _CYCLE_ORDER.index(Cycle.State(state)) <= _CYCLE_ORDER.index(Cycle.State(cycle.state)):
        raise InvalidInput.one("state", f"{cycle.name} is {cycle.state}; cycles only move forward.")
    old = cycle.state
    cycle.state = state
    if state == Cycle.State.CLOSED:
        cycle.closed_at = timezone.now()
        cycle.closed_by = acting_user
    cycle.save()
    data: dict[str, object] = {"from": old, "to": state}
    if state == Cycle.State.CLOSED:
        data["graded"] = store_cycle_grades(cycle).as_dict()
    audit.record(actor=acting_user, action="cycle.set_state", subject=cycle, data=data)
    if state == Cycle.State.CLOSED:
        cycle_closed.send(sender=Cycle, cycle=cycle)
    return cycle


def following_cycle_dates(current: Cycle) -> tuple[str, dt.date, dt.date]:
    """The name, first and last day of the cycle after ``current``: the next calendar
    quarter after a quarter, the next year after a year."""
    start = current.end_date + dt.timedelta(days=1)
    if current.kind == Cycle.Kind.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        after = dt.date(start.year + (quarter == 4), 1 + (quarter * 3) % 12, 1)
        return f"Q{quarter} {start.year}", start, after - dt.timedelta(days=1)
    return f"FY {start.year}", start, start + (current.end_date - current.start_date)


@transaction.atomic
def create_following_cycle(*, acting_user: Person | None, current: Cycle, name: str = "") -> Cycle:
    """The cycle after ``current``, in planning (HR, or the system): for a quarter, the next
    quarter, with its year made first when there is none."""
    default_name, start, end = following_cycle_dates(current)
    parent = None
    if current.kind == Cycle.Kind.QUARTER:
        parent = Cycle.objects.filter(
            kind=Cycle.Kind.ANNUAL, start_date__lte=start, end_date__gte=start
        ).first()
        if parent is None:
            parent = create_cycle(
                acting_user=acting_user,
                name=f"FY {start.year}",
                kind=Cycle.Kind.ANNUAL,
                start_date=dt.date(start.year, 1, 1),
                end_date=dt.date(start.year, 12, 31),
            )
    return create_cycle(
        acting_user=acting_user,
        name=name.strip() or default_name,
        kind=current.kind,
        start_date=start,
        end_date=end,
        parent=parent,
    )


def update_cycle_errors(
    cycle: Cycle, *, name: str, start_date: dt.date, end_date: dt.date
) -> dict[str, str]:
    """What is wrong with new name and dates for an existing cycle, by field."""
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, required=True, limit=100)
    if name and Cycle.objects.filter(name__iexact=name).exclude(pk=cycle.pk).exists():
        errors["name"] = f"A cycle called {name!r} exists already."
    if end_date < start_date:
        errors["end_date"] = "The cycle must end on or after the day it starts."
        return errors
    if cycle.state != Cycle.State.PLANNING and start_date != cycle.start_date:
        errors["start_date"] = f"{cycle.name} has started; only its end date may move."
    if cycle.parent is not None:
        _quarter_fits(errors, cycle.parent, start_date, end_date, moving=cycle)
    outside = cycle.children.filter(
        models.Q(start_date__lt=start_date) | models.Q(end_date__gt=end_date)
    ).first()
    if outside is not None:
        errors["end_date"] = f"{outside.name} would no longer lie inside {cycle.name}."
    return errors


@transaction.atomic
def update_cycle(
    *,
    acting_user: Person | None,
    cycle: Cycle,
    name: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    check_in_cadence: str | None = None,
) -> Cycle:
    """Rename a cycle, move its dates or change its check-in cadence (HR). A closed cycle
    stays as it was graded; once a cycle has started only its end date may move; a quarter
    stays inside its year and clear of the year's other quarters."""
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_closed:
        raise InvalidInput.one("state", f"{cycle.name} is closed; its dates stay as graded.")
    new_name = cycle.name if name is None else name
    new_start = cycle.start_date if start_date is None else start_date
    new_end = cycle.end_date if end_date is None else end_date
    new_cadence = cycle.check_in_cadence if check_in_cadence is None else check_in_cadence
    errors = update_cycle_errors(cycle, name=new_name, start_date=new_start, end_date=new_end)
    problem = cadence_error(new_cadence)
    if problem:
        errors["check_in_cadence"] = problem
    if errors:
        raise InvalidInput(errors)

    def facts() -> dict[str, str]:
        return {
            "name": cycle.name,
            "start": str(cycle.start_date),
            "end": str(cycle.end_date),
            "cadence": cycle.check_in_cadence,
        }

    before = facts()
    cycle.name, cycle.start_date, cycle.end_date = new_name.strip(), new_start, new_end
    cycle.check_in_cadence = new_cadence
    cycle.save(
        update_fields=["name", "start_date", "end_date", "check_in_cadence", "updated_at"]
    )
    after = facts()
    audit.record(
        actor=acting_user, action="cycle.update", subject=cycle, data={"from": before, "to": after}
    )
    return cycle


def next_quarter_dates(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """Name, first and last day of the quarter HR most likely plans next: the one after the
    latest quarter there is, or (with none yet) the calendar quarter after today's."""
    latest = Cycle.objects.filter(kind=Cycle.Kind.QUARTER).order_by("-end_date", "-pk").first()
    if latest is not None:
        try:
            return following_cycle_dates(latest)
        except (OverflowError, ValueError):  # the latest quarter ends at the end of time
            pass
    quarter = (today.month - 1) // 3  # 0-3: the quarter today is in
    start = dt.date(today.year + (quarter == 3), 1 + ((quarter + 1) * 3) % 12, 1)
    after = dt.date(start.year + (start.month == 10), 1 + (start.month + 2) % 12, 1)
    return f"Q{(start.month - 1) // 3 + 1} {start.year}", start, after - dt.timedelta(days=1)


@transaction.atomic
def create_quarter(
    *,
    acting_user: Person | None,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    check_in_cadence: str = Cadence.WEEKLY,
) -> Cycle:
    """A quarter, in planning, inside the year that holds its first day; that year (the
    calendar year, "FY <year>") is made first when there is none."""
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR admins manage cycles.")
    year = Cycle.objects.filter(
        kind=Cycle.Kind.ANNUAL, start_date__lte=start_date, end_date__gte=start_date
    ).first()
    if year is None:
        errors = cycle_errors(
            name=name,
            kind=Cycle.Kind.QUARTER,
            start_date=start_date,
            end_date=end_date,
            parent=None,
            check_in_cadence=check_in_cadence,
        )
        errors.pop("parent", None)
        if errors:
            raise InvalidInput(errors)
        year = create_cycle(
            acting_user=acting_user,
            name=f"FY {start_date.year}",
            kind=Cycle.Kind.ANNUAL,
            start_date=dt.date(start_date.year, 1, 1),
            end_date=dt.date(start_date.year, 12, 31),
        )
    return create_cycle(
        acting_user=acting_user,
        name=name,
        kind=Cycle.Kind.QUARTER,
        start_date=start_date,
        end_date=end_date,
        parent=year,
        check_in_cadence=check_in_cadence,
    )
