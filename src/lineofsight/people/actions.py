"""Writes to the organisation: people, reporting lines, teams, memberships.

Each action is atomic, checks its input, keeps the materialised paths in step and leaves
one audit row. ``acting_user`` may be ``None`` only for the CLI and data loaders, which run
with the operator's authority.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify

from lineofsight.core import audit, tombstones
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Membership, Organisation, Person, Team, validate_time_zone
from lineofsight.people.security import end_all_sessions
from lineofsight.people.selectors import forget_organisation_cache, history_of

USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")


def touch_managers(*ids: int | None) -> None:
    """Mark managers' rows changed when their reports change: a person's row shows whether
    they manage anyone (``roles``), which incremental reads must see."""
    wanted = {pk for pk in ids if pk is not None}
    if wanted:
        Person.objects.filter(pk__in=wanted).update(updated_at=timezone.now())


def start_of_day(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the organisation's time zone: a start date is kept as
    the account's ``date_joined``."""
    zone = zoneinfo.ZoneInfo(Organisation.current().time_zone)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def _require_hr(acting_user: Person | None) -> None:
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins can change the organisation.")


def _username_problem(username: str, *, besides: Person | None = None) -> str:
    """What is wrong with this username for a new person (or for ``besides``), "" if none."""
    if not USERNAME_RE.match(username):
        return "Use 1-150 letters, digits and @ . + - _ characters."
    taken = Person.objects.filter(username__iexact=username)
    if besides is not None:
        taken = taken.exclude(pk=besides.pk)
    if taken.exists():
        return f"Someone already has the username {username!r}."
    return ""


@transaction.atomic
def create_person(
    *,
    acting_user: Person | None,
    username: str,
    display_name: str,
    email: str = "",
    password: str | None = None,
    job_title: str = "",
    manager: Person | None = None,
    is_hr_admin: bool = False,
    is_executive: bool = False,
    check_password: bool = True,
    start_date: dt.date | None = None,
    first_name: str = "",
    last_name: str = "",
    external_id: str = "",
) -> Person:
    _require_hr(acting_user)
    errors: dict[str, str] = {}
    username = username.strip()
    username_error = _username_problem(username)
    if username_error:
        errors["username"] = username_error
    if not display_name.strip():
        errors["display_name"] = "Enter the person's name."
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value.strip()) > 150:
            errors[field] = "Keep it under 150 characters."
    if len(external_id.strip()) > 200:
        errors["external_id"] = "Keep it under 200 characters."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"{email!r} is not an email address."
    if password and check_password:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(errors)
    person = Person(
        username=username,
        display_name=display_name.strip(),
        email=email,
        job_title=job_title.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        external_id=external_id.strip(),
        is_hr_admin=is_hr_admin,
        is_executive=is_executive,
        is_staff=is_hr_admin,
    )
    if start_date is not None:
        person.date_joined = start_of_day(start_date)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    if manager is not None:
        person.manager = manager
        person.manager_path = manager.subtree_prefix
    person.save()
    touch_managers(person.manager_id)
    audit.record(
        actor=acting_user,
        action="person.create",
        subject=person,
        data={"username": username, "manager": manager.pk if manager else None},
    )
    return person


@transaction.atomic
def set_manager(*, acting_user: Person | None, person: Person, manager: Person | None) -> Person:
    """Change someone's manager, refusing loops, and re-path everyone under them."""
    _require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if manager is not None:
        manager = Person.objects.get(pk=manager.pk)
        if manager.pk == person.pk:
            raise InvalidInput.one("manager", "A person cannot be their own manager.")
        if not manager.is_active:
            raise InvalidInput.one("manager", f"{manager.name} is deactivated.")
        if f"/{person.pk}/" in manager.manager_path:
            raise InvalidInput.one(
                "manager",
                f"{manager.name} reports (directly or indirectly) to {person.name}; "
                "that would make a loop in the reporting line.",
            )
    old_prefix = person.subtree_prefix
    old_manager = person.manager_id
    person.manager = manager
    person.manager_path = manager.subtree_prefix if manager else "/"
    person.save(update_fields=["manager", "manager_path", "updated_at"])
    touch_managers(old_manager, person.manager_id)
    new_prefix = person.subtree_prefix
    if old_prefix != new_prefix:
        Person.objects.filter(manager_path__startswith=old_prefix).update(
            manager_path=Concat(Value(new_prefix), Substr(F("manager_path"), len(old_prefix) + 1))
        )
    audit.record(
        actor=acting_user,
        action="person.set_manager",
        subject=person,
        data={"from": old_manager, "to": manager.pk if manager else None},
    )
    return person


@transaction.atomic
def update_person(
    *,
    acting_user: Person | None,
    person: Person,
    display_name: str | None = None,
    email: str | None = None,
    job_title: str | None = None,
    is_hr_admin: bool | None = None,
    is_executive: bool | None = None,
    is_active: bool | None = None,
    start_date: dt.date | None = None,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    external_id: str | None = None,
) -> Person:
    _require_hr(acting_user)
    changes: dict[str, object] = {}
    if username is not None:
        problem = _username_problem(username.strip(), besides=person)
        if problem:
            raise InvalidInput.one("username", problem)
        changes["username"] = username.strip()
    for field, given in (("first_name", first_name), ("last_name", last_name)):
        if given is not None:
            if len(given.strip()) > 150:
                raise InvalidInput.one(field, "Keep it under 150 characters.")
            changes[field] = given.strip()
    if external_id is not None:
        if len(external_id.strip()) > 200:
            raise InvalidInput.one("external_id", "Keep it under 200 characters.")
        changes["external_id"] = external_id.strip()
    if display_name is not None:
        if not display_name.strip():
            raise InvalidInput.one("display_name", "Enter the person's name.")
        changes["display_name"] = display_name.strip()
    if email is not None:
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise InvalidInput.one("email", f"{email!r} is not an email address.") from None
        changes["email"] = email
    if job_title is not None:
        changes["job_title"] = job_title.strip()
    if is_hr_admin is not None:
        changes["is_hr_admin"] = is_hr_admin
        changes["is_staff"] = is_hr_admin or person.is_superuser
    if is_executive is not None:
        changes["is_executive"] = is_executive
    if is_active is not None:
        changes["is_active"] = is_active
    if start_date is not None:
        changes["date_joined"] = start_of_day(start_date)
    deactivated = is_active is False and person.is_active
    if "is_active" in changes and person.is_active != is_active:
        touch_managers(person.manager_id)
    for key, value in changes.items():
        setattr(person, key, value)
    person.save(update_fields=[*changes, "updated_at"] if changes else None)
    if deactivated:
        tombstones.record(kind=tombstones.PERSON, object_id=person.pk, event=tombstones.DEACTIVATED)
    data = {k: v for k, v in changes.items() if isinstance(v, str | bool)}
    if start_date is not None:
        data["start_date"] = start_date.isoformat()
    audit.record(actor=acting_user, action="person.update", subject=person, data=data)
    return person


def _deactivation_problem(person: Person, acting_user: Person | None) -> str:
    """Why this person cannot be deactivated now ("" when they can)."""
    if acting_user is not None and acting_user.pk == person.pk:
        return "You cannot deactivate yourself; ask another HR admin."
    reports = Person.objects.filter(manager=person, is_active=True).count()
    if reports:
        return (
            f"{person.name} still manages {reports} active "
            f"{'person' if reports == 1 else 'people'}: give them another manager first."
        )
    led = list(Team.objects.filter(lead=person).order_by("name").values_list("name", flat=True))
    if led:
        return f"{person.name} leads {', '.join(led)}: choose a new lead first."
    return ""


@transaction.atomic
def deactivate_person(*, acting_user: Person | None, person: Person) -> Person:
    """Someone who left: they can no longer sign in (nor use their API tokens), leave the
    directory, and keep every piece of history that names them. Refused while they manage
    active people or lead a team (reassign those first), and for oneself."""
    _require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise InvalidInput.one("is_active", f"{person.name} is already deactivated.")
    problem = _deactivation_problem(person, acting_user)
    if problem:
        raise InvalidInput.one("is_active", problem)
    person.is_active = False
    person.save(update_fields=["is_active", "updated_at"])
    touch_managers(person.manager_id)
    # Access ends at once: every signed-in session ends now, and their API tokens are
    # refused from now on (``core.tokens.authenticate`` asks for an active person), until
    # they are reactivated.
    sessions = end_all_sessions(person=person, reason="deactivated")
    audit.record(
        actor=acting_user,
        action="person.deactivate",
        subject=person,
        data={"sessions_ended": sessions},
    )
    tombstones.record(kind=tombstones.PERSON, object_id=person.pk, event=tombstones.DEACTIVATED)
    return person


@transaction.atomic
def reactivate_person(*, acting_user: Person | None, person: Person) -> Person:
    """Someone who came back: they may sign in again, with their history as it was."""
    _require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise InvalidInput.one("is_active", f"{person.name} is already active.")
    person.is_active = True
    person.save(update_fields=["is_active", "updated_at"])
    touch_managers(person.manager_id)
    audit.record(actor=acting_user, action="person.reactivate", subject=person, data={})
    return person


@transaction.atomic
def set_person_teams(
    *, acting_user: Person | None, person: Person, teams: Iterable[Team]
) -> list[int]:
    """Make ``teams`` the teams this person belongs to (joining the new ones, leaving the
    others). Leaving a team they lead is refused. Returns the ids of their teams."""
    _require_hr(acting_user)
    wanted = {team.pk: team for team in teams}
    current = set(Membership.objects.filter(person=person).values_list("team_id", flat=True))
    leaving = current - set(wanted)
    led = list(
        Team.objects.filter(pk__in=leaving, lead=person)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if led:
        raise InvalidInput.one(
            "teams", f"{person.name} leads {', '.join(led)}; choose a new lead first."
        )
    joining = [pk for pk in wanted if pk not in current]
    Membership.objects.filter(person=person, team_id__in=leaving).delete()
    Membership.objects.bulk_create([Membership(person=person, team_id=pk) for pk in joining])
    audit.record(
        actor=acting_user,
        action="person.set_teams",
        subject=person,
        data={"joined": sorted(joining), "left": sorted(leaving)},
    )
    return sorted(wanted)


class _Unchanged:
    """Marks an argument left out (``None`` means "nobody" for a manager or a lead)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


class _Attempts:
    """Run several actions in one transaction, gathering every field's error; the caller
    raises them together at the end, which undoes whatever the others wrote."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def run(self, action: Callable[..., object], **kwargs: Any) -> None:
        try:
            with transaction.atomic():
                action(**kwargs)
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                self.errors.setdefault(field, []).extend(messages)

    def check(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


@transaction.atomic
def edit_person(
    *,
    acting_user: Person | None,
    person: Person,
    display_name: str | None = None,
    email: str | None = None,
    job_title: str | None = None,
    manager: Person | None = UNCHANGED,
    teams: Iterable[Team] | None = None,
    is_hr_admin: bool | None = None,
    is_active: bool | None = None,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    external_id: str | None = None,
) -> Person:
    """Change several things about a person at once (the edit form, the API's PATCH, SCIM):
    each through its own action, all or nothing, every field's error reported together."""
    _require_hr(acting_user)
    person = Person.objects.get(pk=person.pk)
    attempts = _Attempts()
    if is_hr_admin is False and acting_user is not None and acting_user.pk == person.pk:
        attempts.errors["is_hr_admin"] = [
            "You cannot take away your own HR role; ask another HR admin."
        ]
    details = {
        field: value
        for field, value in (
            ("display_name", display_name),
            ("email", email),
            ("job_title", job_title),
            ("username", username),
            ("first_name", first_name),
            ("last_name", last_name),
            ("external_id", external_id),
        )
        if value is not None and value != getattr(person, field)
    }
    if details:  # only what changes, so the audit log records no empty edits
        attempts.run(update_person, acting_user=acting_user, person=person, **details)
    if is_hr_admin is not None and is_hr_admin != person.is_hr_admin:
        attempts.run(update_person, acting_user=acting_user, person=person, is_hr_admin=is_hr_admin)
    if manager is not UNCHANGED and (manager.pk if manager else None) != person.manager_id:
        attempts.run(set_manager, acting_user=acting_user, person=person, manager=manager)
    if teams is not None:
        attempts.run(set_person_teams, acting_user=acting_user, person=person, teams=teams)
    if is_active is not None and is_active != person.is_active:
        change = deactivate_person if not is_active else reactivate_person
        attempts.run(change, acting_user=acting_user, person=person)
    attempts.check()
    return Person.objects.get(pk=person.pk)


def deletion_refusal(obj: Person | Team) -> str:
    """Why this person or team cannot be deleted ("" when nothing refers to them)."""
    history = history_of(obj)
    if not history:
        return ""
    what = ", ".join(f"{n} {label}" for label, n in sorted(history.items()))
    if isinstance(obj, Person):
        return (
            f"{obj.name} cannot be deleted: the product's history refers to them ({what}). "
            "Deactivate them instead: they can no longer sign in, and their history keeps "
            "its author."
        )
    return f"{obj.name} cannot be deleted: other records refer to it ({what})."


@transaction.atomic
def delete_person(*, acting_user: Person | None, person: Person) -> None:
    """Delete someone who was added by mistake. Refused once anything carries their name
    (check-ins, objectives, reviews, kudos, audit rows, ...): deactivate them instead, so no
    history loses its author."""
    _require_hr(acting_user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = deletion_refusal(person)
    if refusal:
        raise InvalidInput.one("person", refusal)
    data = {"username": person.username, "name": person.name}
    audit.record(actor=acting_user, action="person.delete", subject=person, data=data)
    tombstones.record(kind=tombstones.PERSON, object_id=person.pk, event=tombstones.DELETED)
    person.delete()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "team"
    slug = base
    n = 2
    while Team.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def create_team(
    *,
    acting_user: Person | None,
    name: str,
    kind: str = Team.Kind.TEAM,
    parent: Team | None = None,
    lead: Person | None = None,
    slug: str | None = None,
    external_id: str = "",
) -> Team:
    _require_hr(acting_user)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the team's name."
    elif len(name.strip()) > 200:
        errors["name"] = "Keep the name under 200 characters."
    if len(external_id.strip()) > 200:
        errors["external_id"] = "Keep it under 200 characters."
    if kind not in Team.Kind.values:
        errors["kind"] = f"Choose one of {', '.join(Team.Kind.values)}."
    elif kind == Team.Kind.COMPANY and parent is not None:
        errors["parent"] = "The company sits at the top and has no parent team."
    elif kind != Team.Kind.COMPANY and parent is None and Team.objects.exists():
        errors["parent"] = "Choose the team or department this one belongs to."
    if slug is not None:
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", slug):
            errors["slug"] = "Use letters, digits, hyphens and underscores only."
        elif Team.objects.filter(slug=slug).exists():
            errors["slug"] = f"The slug {slug!r} is taken."
    if errors:
        raise InvalidInput(errors)
    team = Team.objects.create(
        name=name.strip(),
        kind=kind,
        parent=parent,
        path=parent.subtree_prefix if parent else "/",
        lead=lead,
        slug=slug or _unique_slug(name),
        external_id=external_id.strip(),
    )
    if lead is not None:
        Membership.objects.get_or_create(person=lead, team=team)
    audit.record(actor=acting_user, action="team.create", subject=team, data={"name": team.name})
    return team


@transaction.atomic
def update_team(
    *,
    acting_user: Person | None,
    team: Team,
    name: str | None = None,
    slug: str | None = None,
    kind: str | None = None,
    external_id: str | None = None,
) -> Team:
    """Rename a team, change its slug, its kind (the company stays the one at the top) or
    the identity provider's id for it."""
    _require_hr(acting_user)
    team = Team.objects.select_for_update().get(pk=team.pk)
    errors: dict[str, str] = {}
    changes: dict[str, str] = {}
    if name is not None:
        if not name.strip():
            errors["name"] = "Enter the team's name."
        elif len(name.strip()) > 200:
            errors["name"] = "Keep the name under 200 characters."
        changes["name"] = name.strip()
    if external_id is not None:
        if len(external_id.strip()) > 200:
            errors["external_id"] = "Keep it under 200 characters."
        changes["external_id"] = external_id.strip()
    if slug is not None:
        if not re.fullmatch(r"[-a-zA-Z0-9_]+", slug):
            errors["slug"] = "Use letters, digits, hyphens and underscores only."
        elif Team.objects.filter(slug=slug).exclude(pk=team.pk).exists():
            errors["slug"] = f"The slug {slug!r} is taken."
        changes["slug"] = slug
    if kind is not None:
        if kind not in Team.Kind.values:
            errors["kind"] = f"Choose one of {', '.join(Team.Kind.values)}."
        elif (kind == Team.Kind.COMPANY) != (team.parent_id is None):
            errors["kind"] = "Only the team at the top is the company."
        changes["kind"] = kind
    if errors:
        raise InvalidInput(errors)
    changes = {key: value for key, value in changes.items() if getattr(team, key) != value}
    before = {key: getattr(team, key) for key in changes}
    for key, value in changes.items():
        setattr(team, key, value)
    if changes:
        team.save(update_fields=[*changes, "updated_at"])
    audit.record(
        actor=acting_user, action="team.update", subject=team, data={"from": before, "to": changes}
    )
    return team


@transaction.atomic
def delete_team(*, acting_user: Person | None, team: Team) -> None:
    """Delete a team made by mistake; refused once it has teams inside it, objectives, figures
    or anything else that refers to it (its memberships go with it)."""
    _require_hr(acting_user)
    team = Team.objects.select_for_update().get(pk=team.pk)
    refusal = deletion_refusal(team)
    if refusal:
        raise InvalidInput.one("team", refusal)
    audit.record(
        actor=acting_user,
        action="team.delete",
        subject=team,
        data={"name": team.name, "slug": team.slug},
    )
    tombstones.record(kind=tombstones.TEAM, object_id=team.pk, event=tombstones.DELETED)
    team.delete()


@transaction.atomic
def move_team(*, acting_user: Person | None, team: Team, parent: Team | None) -> Team:
    _require_hr(acting_user)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if parent is not None:
        parent = Team.objects.get(pk=parent.pk)
        if parent.pk == team.pk or f"/{team.pk}/" in parent.path:
            raise InvalidInput.one("parent", "A team cannot sit inside itself.")
    elif team.kind != Team.Kind.COMPANY:
        raise InvalidInput.one("parent", "Only the company sits at the top.")
    old_prefix = team.subtree_prefix
    team.parent = parent
    team.path = parent.subtree_prefix if parent else "/"
    team.save(update_fields=["parent", "path", "updated_at"])
    new_prefix = team.subtree_prefix
    if old_prefix != new_prefix:
        Team.objects.filter(path__startswith=old_prefix).update(
            path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))
        )
    audit.record(
        actor=acting_user, action="team.move", subject=team, data={"parent": parent and parent.pk}
    )
    return team


@transaction.atomic
def set_team_lead(*, acting_user: Person | None, team: Team, lead: Person | None) -> Team:
    _require_hr(acting_user)
    if lead is not None and not lead.is_active:
        raise InvalidInput.one("lead", f"{lead.name} is deactivated and cannot lead a team.")
    team.lead = lead
    team.save(update_fields=["lead", "updated_at"])
    if lead is not None:
        Membership.objects.get_or_create(person=lead, team=team)
    audit.record(
        actor=acting_user, action="team.set_lead", subject=team, data={"lead": lead and lead.pk}
    )
    return team


@transaction.atomic
def add_member(*, acting_user: Person | None, team: Team, person: Person) -> Membership:
    _require_hr(acting_user)
    membership, _ = Membership.objects.get_or_create(person=person, team=team)
    audit.record(
        actor=acting_user, action="team.add_member", subject=team, data={"person": person.pk}
    )
    return membership


@transaction.atomic
def remove_member(*, acting_user: Person | None, team: Team, person: Person) -> None:
    _require_hr(acting_user)
    if team.lead_id == person.pk:
        raise InvalidInput.one(
            "person", f"{person.name} leads {team.name}; choose a new lead first."
        )
    Membership.objects.filter(person=person, team=team).delete()
    audit.record(
        actor=acting_user, action="team.remove_member", subject=team, data={"person": person.pk}
    )


@transaction.atomic
def set_team_cadence(*, acting_user: Person | None, team: Team, cadence: str) -> Team:
    """Set the check-in cadence for the key results the team's members own ("" to follow
    each cycle's). A person in several teams that set one follows the most frequent."""
    _require_hr(acting_user)
    choices = [c.value for c in Cadence]
    if cadence and cadence not in choices:
        raise InvalidInput.one(
            "check_in_cadence", f"Choose one of: {', '.join(choices)} (or none)."
        )
    old = team.check_in_cadence
    team.check_in_cadence = cadence
    team.save(update_fields=["check_in_cadence"])
    audit.record(
        actor=acting_user,
        action="team.set_cadence",
        subject=team,
        data={"from": old, "to": cadence},
    )
    return team


@transaction.atomic
def edit_team(
    *,
    acting_user: Person | None,
    team: Team,
    name: str | None = None,
    kind: str | None = None,
    parent: Team | None = UNCHANGED,
    lead: Person | None = UNCHANGED,
    check_in_cadence: str | None = None,
) -> Team:
    """Change several things about a team at once (the team's form, the API's PATCH): its
    name and kind, where it sits, its lead, its cadence; all or nothing, every field's error
    reported together."""
    _require_hr(acting_user)
    team = Team.objects.get(pk=team.pk)
    attempts = _Attempts()
    if parent is not UNCHANGED and (parent.pk if parent else None) != team.parent_id:
        attempts.run(move_team, acting_user=acting_user, team=team, parent=parent)
        team = Team.objects.get(pk=team.pk)
    if name is not None or kind is not None:
        attempts.run(update_team, acting_user=acting_user, team=team, name=name, kind=kind)
    if lead is not UNCHANGED and (lead.pk if lead else None) != team.lead_id:
        attempts.run(set_team_lead, acting_user=acting_user, team=team, lead=lead)
    if check_in_cadence is not None and check_in_cadence != team.check_in_cadence:
        attempts.run(set_team_cadence, acting_user=acting_user, team=team, cadence=check_in_cadence)
    attempts.check()
    return Team.objects.get(pk=team.pk)


def organisation_errors(
    *,
    current: Organisation,
    pace_on_track: float | None = None,
    pace_off_track: float | None = None,
    escalate_after_misses: int | None = None,
    digest_weekday: int | None = None,
    blocker_escalation_days: int | None = None,
) -> dict[str, str]:
    """What is wrong with new tracking settings, by field (empty when they may be saved)."""
    errors: dict[str, str] = {}
    on = current.pace_on_track if pace_on_track is None else pace_on_track
    off = current.pace_off_track if pace_off_track is None else pace_off_track
    for field, value in (("pace_on_track", pace_on_track), ("pace_off_track", pace_off_track)):
        if value is not None and not (math.isfinite(value) and 0.0 <= value <= 2.0):
            errors[field] = "Give a share of the expected progress from 0 to 2 (0.7 is 70 %)."
    if not errors and off > on:
        field = "pace_off_track" if pace_off_track is not None else "pace_on_track"
        errors[field] = f"'Off track below' ({off:g}) must not exceed 'on track from' ({on:g})."
    if escalate_after_misses is not None and not 1 <= escalate_after_misses <= 52:
        errors["escalate_after_misses"] = "Give a number of missed check-ins from 1 to 52."
    if digest_weekday is not None and not 0 <= digest_weekday <= 6:
        errors["digest_weekday"] = "Give a day from 0 (Monday) to 6 (Sunday)."
    if blocker_escalation_days is not None and not 1 <= blocker_escalation_days <= 90:
        errors["blocker_escalation_days"] = "Give a number of days from 1 to 90."
    return errors


@transaction.atomic
def update_organisation(
    *,
    acting_user: Person | None,
    name: str | None = None,
    time_zone: str | None = None,
    pace_on_track: float | None = None,
    pace_off_track: float | None = None,
    escalate_after_misses: int | None = None,
    digest_weekday: int | None = None,
    blocker_escalation_days: int | None = None,
) -> Organisation:
    _require_hr(acting_user)
    org = Organisation.current()
    if name is not None:
        if not name.strip():
            raise InvalidInput.one("name", "Enter the organisation's name.")
        org.name = name.strip()
    if time_zone is not None:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise InvalidInput.one("time_zone", exc.messages[0]) from None
        org.time_zone = time_zone
    errors = organisation_errors(
        current=org,
        pace_on_track=pace_on_track,
        pace_off_track=pace_off_track,
        escalate_after_misses=escalate_after_misses,
        digest_weekday=digest_weekday,
        blocker_escalation_days=blocker_escalation_days,
    )
    if errors:
        raise InvalidInput(errors)
    changed = {
        field: value
        for field, value in (
            ("pace_on_track", pace_on_track),
            ("pace_off_track", pace_off_track),
            ("escalate_after_misses", escalate_after_misses),
            ("digest_weekday", digest_weekday),
            ("blocker_escalation_days", blocker_escalation_days),
        )
        if value is not None
    }
    for field, value in changed.items():
        setattr(org, field, value)
    org.save()
    transaction.on_commit(forget_organisation_cache)
    audit.record(actor=acting_user, action="organisation.update", subject=org, data=changed)
    return org


@transaction.atomic
def set_okr_approval(*, acting_user: Person | None, on: bool) -> Organisation:
    """Whether draft objectives need the approval of the owner's manager (or the team's lead)
    before they become active (HR; off by default)."""
    _require_hr(acting_user)
    org = Organisation.current()
    before = org.okr_approval
    org.okr_approval = bool(on)
    org.save(update_fields=["okr_approval"])
    transaction.on_commit(forget_organisation_cache)
    audit.record(
        actor=acting_user,
        action="organisation.okr_approval",
        subject=org,
        data={"from": before, "to": bool(on)},
    )
    return org


# Coaching limits: (field, smallest, largest): whole numbers, then shares (0.8 is 80 %).
COACH_COUNTS: tuple[tuple[str, int, int], ...] = (
    ("max_objectives_person", 1, 20),
    ("max_objectives_team", 1, 20),
    ("min_objectives_team", 1, 20),
    ("min_key_results", 1, 20),
    ("max_key_results", 1, 20),
    ("min_key_results_company", 1, 20),
    ("max_key_results_company", 1, 20),
    ("sandbagging_cycles", 2, 12),
    ("sandbagging_min_check_ins", 2, 20),
    ("neglect_missed_check_ins", 1, 6),
    ("closing_days", 1, 60),
    ("max_nesting_depth", 2, 10),
    ("rating_attainment_min_people", 3, 1000),
)
COACH_SHARES: tuple[tuple[str, float, float, str], ...] = (
    ("copy_paste_similarity", 0.2, 0.9, "a similarity"),
    ("sandbagging_attainment", 0.8, 1.0, "an attainment"),
    ("rating_attainment_correlation", 0.5, 1.0, "a correlation"),
)
COACH_FIELDS = (
    *(name for name, _, _ in COACH_COUNTS),
    *(name for name, _, _, _ in COACH_SHARES),
)


def coach_settings_errors(
    *, current: Organisation, changes: dict[str, float | int]
) -> dict[str, str]:
    """What is wrong with new coaching limits, by field (empty when they may be saved)."""
    errors: dict[str, str] = {}
    for name in changes:
        if name not in COACH_FIELDS:
            errors[name] = "Not a coaching setting."
    for name, low, high in COACH_COUNTS:
        value = changes.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = f"Give a whole number from {low} to {high}."
    for name, low_share, high_share, what_share in COACH_SHARES:
        share = changes.get(name)
        if share is not None and (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not (math.isfinite(share) and low_share <= share <= high_share)
        ):
            errors[name] = f"Give {what_share} from {low_share:g} to {high_share:g} (0.9 is 90 %)."
    for least, most, what in (
        ("min_key_results", "max_key_results", "key results for an objective"),
        (
            "min_key_results_company",
            "max_key_results_company",
            "key results for a company objective",
        ),
        ("min_objectives_team", "max_objectives_team", "objectives for a team"),
    ):
        if least in errors or most in errors:
            continue
        lo = changes.get(least, getattr(current, least))
        hi = changes.get(most, getattr(current, most))
        if lo > hi:
            field = least if least in changes else most
            errors[field] = f"The least number of {what} ({lo}) must not exceed the most ({hi})."
    return errors


@transaction.atomic
def update_coach_settings(
    *, acting_user: Person | None, **limits: float | int | None
) -> Organisation:
    """Change the limits the coach applies (``COACH_FIELDS``: focus, copy-paste,
    sandbagging, neglect, nesting, attainment as a rating); HR only. All or nothing: any
    value out of range (or an unknown name) raises ``InvalidInput`` naming each field, and
    nothing changes."""
    _require_hr(acting_user)
    org = Organisation.objects.select_for_update().get(pk=Organisation.current().pk)
    given = limits
    changes = {name: value for name, value in given.items() if value is not None}
    errors = coach_settings_errors(current=org, changes=changes)
    if errors:
        raise InvalidInput(errors)
    before = {name: getattr(org, name) for name in changes}
    for name, value in changes.items():
        setattr(org, name, value)
    if changes:
        org.save(update_fields=list(changes))
    audit.record(
        actor=acting_user,
        action="organisation.update_coaching",
        subject=org,
        data={"from": before, "to": changes},
    )
    return org
