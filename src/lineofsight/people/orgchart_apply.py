"""Importing and exporting the org chart: the dry-run, applying a plan, the export.

HR only (the CLI runs with the operator's authority, ``acting_user=None``). Applying reads the
organisation again, plans again and refuses when the plan differs from the one shown in the
dry-run (its ``digest``): someone changed the organisation in between.

Teams, people, reporting lines and memberships are written in bulk, for speed, exactly as the
named actions would write them one by one: the same checks (made while planning), the same
fields, slugs and materialised paths and one audit row per change, under the same action names
(``team.create``, ``person.create``, ``person.set_manager``,
``person.update``, ``team.add_member``, ``team.remove_member``); the search index is told
through ``people.signals.people_saved_in_bulk``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lineofsight.core import audit, tombstones
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.people import actions, orgchart, orgchart_plan
from lineofsight.people.models import Membership, Organisation, Person, Team
from lineofsight.people.orgchart import FileProblems, Problem
from lineofsight.people.orgchart_plan import Org, OrgPerson, OrgTeam, PersonRef, Plan, TeamRef
from lineofsight.people.signals import people_saved_in_bulk

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEXT_FIELDS = {"display_name", "job_title"}  # what the search index shows of a person


class ImportRefused(InvalidInput):
    """The file has problems; nothing was changed. ``plan.problems`` lists them by row."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        errors: dict[str, list[str]] = {}
        for problem in plan.problems:
            key = f"Row {problem.row}, {problem.column}" if problem.row else "__all__"
            errors.setdefault(key, []).append(problem.message)
        super().__init__(errors)


class StalePlan(Conflict):
    """The organisation changed since the dry-run: the plan is no longer the one shown."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__(
            {
                "__all__": "The organisation changed since the dry-run, so the plan changed "
                "too; nothing was applied. Review the new plan and apply it again."
            }
        )


def require_hr(acting_user: Person | None) -> None:
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins can import or export the org chart.")


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(Organisation.current().time_zone)


def load_org() -> Org:
    """The whole organisation as plain data, in three queries."""
    zone = _zone()
    teams_of: dict[int, set[int]] = defaultdict(set)
    for person_id, team_id in Membership.objects.values_list("person_id", "team_id"):
        teams_of[person_id].add(team_id)
    people = [
        OrgPerson(
            id=pk,
            email=(email or "").strip().lower(),
            username=username,
            name=Person.name_from(display, first, last, username),
            manager_id=manager_id,
            title=title,
            hr=hr,
            superuser=superuser,
            start_date=joined.astimezone(zone).date() if joined else None,
            active=active,
            team_ids=frozenset(teams_of.get(pk, ())),
        )
        for (
            pk,
            email,
            username,
            display,
            first,
            last,
            manager_id,
            title,
            hr,
            superuser,
            joined,
            active,
        ) in Person.objects.order_by("pk").values_list(
            "id",
            "email",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "manager_id",
            "job_title",
            "is_hr_admin",
            "is_superuser",
            "date_joined",
            "is_active",
        )
    ]
    teams = [
        OrgTeam(id=pk, name=name, parent_id=parent_id, kind=kind, lead_id=lead_id)
        for pk, name, parent_id, kind, lead_id in Team.objects.order_by("pk").values_list(
            "id", "name", "parent_id", "kind", "lead_id"
        )
    ]
    return Org(name=Organisation.current().name, people=people, teams=teams)


def make_plan(
    *,
    data: bytes,
    filename: str = "",
    deactivate_missing: bool = False,
    acting_user: Person | None = None,
) -> Plan:
    try:
        table = orgchart.read_table(data, filename)
    except FileProblems as exc:
        return Plan(problems=list(exc.problems))
    sheet, problems = orgchart.parse(table)
    if any(p.row <= 1 for p in problems):  # the header: no row can be read
        return Plan(problems=sorted(problems), rows=len(table.rows))
    plan = orgchart_plan.plan(
        sheet,
        load_org(),
        deactivate_missing=deactivate_missing,
        acting_id=acting_user.pk if acting_user is not None else None,
    )
    if problems:  # the rows' own problems, and what the others' plan found
        plan.problems = sorted(set(problems) | set(plan.problems))
        plan.rows = len(table.rows)
    return plan


def dry_run(
    *,
    acting_user: Person | None,
    data: bytes,
    filename: str = "",
    deactivate_missing: bool = False,
) -> Plan:
    """What importing the file would change (or its problems); changes nothing."""
    require_hr(acting_user)
    return make_plan(
        data=data,
        filename=filename,
        deactivate_missing=deactivate_missing,
        acting_user=acting_user,
    )


@transaction.atomic
def apply_import(
    *,
    acting_user: Person | None,
    data: bytes,
    filename: str = "",
    deactivate_missing: bool = False,
    expected_digest: str | None = None,
) -> Plan:
    """Import the file, all or nothing. ``expected_digest``: the plan's digest shown in the
    dry-run; a different plan now is refused (``StalePlan``)."""
    require_hr(acting_user)
    # One import at a time: the organisation row is the lock.
    Organisation.objects.select_for_update().filter(pk=Organisation.current().pk).first()
    plan = make_plan(
        data=data,
        filename=filename,
        deactivate_missing=deactivate_missing,
        acting_user=acting_user,
    )
    if plan.problems:
        raise ImportRefused(plan)
    if expected_digest and expected_digest != plan.digest:
        raise StalePlan(plan)
    _write(plan, acting_user)
    return plan


def _username(email: str, taken: set[str]) -> str:
    base = email if len(email) <= 150 and actions.USERNAME_RE.match(email) else ""
    if not base:
        local = "".join(c for c in email.split("@")[0] if c.isalnum() or c in "._-+")
        base = (local or "person")[:140]
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:140]}-{n}"
        n += 1
    taken.add(name.lower())
    return name


def _team_slug(name: str, taken: set[str]) -> str:
    """As ``actions.create_team`` makes one: the name's slug, numbered when taken."""
    base = slugify(name)[:180] or "team"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _write(plan: Plan, acting_user: Person | None) -> None:
    org = load_org()
    entries: list[dict[str, Any]] = []
    people = {p.id: p for p in org.people}

    # Teams, a level of nesting at a time, as create_team: the path, a unique slug made from
    # the name, one audit row each.
    team_ids: dict[tuple[str, ...], int] = {}
    company = org.company()
    if company is not None:
        team_ids[()] = company.id
    slugs = set(Team.objects.values_list("slug", flat=True))
    team_paths = dict(Team.objects.values_list("id", "path"))
    levels: dict[int, list[tuple[tuple[str, ...], str, TeamRef | None]]] = defaultdict(list)
    if company is None and (plan.new_teams or any(ref == () for _, ref in plan.joins)):
        levels[0].append(((), str(Team.Kind.COMPANY), None))
    for path, parent_ref in plan.new_teams:
        kind = str(Team.Kind.DEPARTMENT if len(path) == 1 else Team.Kind.TEAM)
        levels[len(path)].append((path, kind, parent_ref))
    new_team_ids: list[int] = []
    for depth in sorted(levels):
        team_batch: list[Team] = []
        for team_path, team_kind, team_parent in levels[depth]:
            parent_id = None
            if team_parent is not None:
                parent_id = team_parent if isinstance(team_parent, int) else team_ids[team_parent]
            name = team_path[-1] if team_path else org.name
            team_batch.append(
                Team(
                    name=name,
                    kind=team_kind,
                    parent_id=parent_id,
                    path=f"{team_paths[parent_id]}{parent_id}/" if parent_id else "/",
                    slug=_team_slug(name, slugs),
                )
            )
        Team.objects.bulk_create(team_batch)
        for (path, _, _), team in zip(levels[depth], team_batch, strict=True):
            team_ids[path] = team.pk
            team_paths[team.pk] = team.path
            new_team_ids.append(team.pk)
            entries.append({"action": "team.create", "subject": team, "data": {"name": team.name}})

    def team_id(ref: TeamRef) -> int:
        return ref if isinstance(ref, int) else team_ids[ref]

    # New people, a level of the reporting line at a time (managers first), as create_person.
    ids: dict[str, int] = {p.email: p.id for p in people.values() if p.email}
    manager_of: dict[int, int | None] = {p.id: p.manager_id for p in people.values()}
    paths: dict[int, str] = dict(Person.objects.values_list("id", "manager_path"))
    taken = {p.username.lower() for p in people.values()}
    now = timezone.now()
    zone = _zone()
    new_emails = {row.email for row in plan.creates}

    def level(email: str, seen: int = 0) -> int:
        manager = plan.managers.get(email)
        if isinstance(manager, str) and manager in new_emails and seen < len(new_emails):
            return level(manager, seen + 1) + 1
        return 0

    by_level: dict[int, list[orgchart.Row]] = defaultdict(list)
    for row in plan.creates:
        by_level[level(row.email)].append(row)
    created: list[Person] = []
    inactive: list[Person] = []
    for depth in sorted(by_level):
        batch = []
        for row in by_level[depth]:
            manager_ref = plan.managers.get(row.email)
            manager_id = ids[manager_ref] if isinstance(manager_ref, str) else manager_ref
            person = Person(
                username=_username(row.email, taken),
                display_name=row.name,
                email=row.email,
                job_title=row.title,
                is_hr_admin=bool(row.hr),
                is_staff=bool(row.hr),
                is_executive=False,
                manager_id=manager_id,
                manager_path=(paths[manager_id] + f"{manager_id}/") if manager_id else "/",
                date_joined=(
                    dt.datetime.combine(row.start_date, dt.time(), tzinfo=zone)
                    if row.start_date
                    else now
                ),
            )
            person.set_unusable_password()
            batch.append(person)
        Person.objects.bulk_create(batch, batch_size=500)
        for person in batch:
            ids[person.email] = person.pk
            paths[person.pk] = person.manager_path
            manager_of[person.pk] = person.manager_id
            entries.append(
                {
                    "action": "person.create",
                    "subject": person,
                    "data": {"username": person.username, "manager": person.manager_id},
                }
            )
        created.extend(batch)
    for row in plan.creates:
        if row.active is False:
            inactive.append(Person(pk=ids[row.email]))

    def person_id(ref: PersonRef) -> int:
        return ref if isinstance(ref, int) else ids[ref]

    # Reporting lines of people already here, as set_manager (which re-paths those below).
    moved: dict[int, tuple[int | None, int | None]] = {}
    for ref, manager_ref in plan.managers.items():
        if isinstance(ref, int):
            new_manager = person_id(manager_ref) if manager_ref is not None else None
            moved[ref] = (manager_of[ref], new_manager)
            manager_of[ref] = new_manager
    repath: dict[int, str] = {}
    if moved:
        final: dict[int, str] = {}

        def path_of(pk: int) -> str:
            stack = []
            node: int | None = pk
            while node is not None and node not in final:
                stack.append(node)
                node = manager_of[node]
            for member in reversed(stack):
                manager = manager_of[member]
                final[member] = f"{final[manager]}{manager}/" if manager is not None else "/"
            return final[pk]

        for pk in manager_of:
            if path_of(pk) != paths[pk]:
                repath[pk] = final[pk]

    # Field changes of people already here, as update_person.
    load = set(plan.updates) | set(repath) | set(moved)
    objects = Person.objects.in_bulk(list(load)) if load else {}
    fields: set[str] = set()
    text_changed: list[int] = []
    for pk, (old, new) in moved.items():
        entries.append(
            {
                "action": "person.set_manager",
                "subject": objects[pk],
                "data": {"from": old, "to": new},
            }
        )
    for pk, changes in plan.updates.items():
        person = objects[pk]
        data: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "start_date":
                assert isinstance(value, dt.date)
                person.date_joined = dt.datetime.combine(value, dt.time(), tzinfo=zone)
                fields.add("date_joined")
                continue
            setattr(person, name, value)
            fields.add(name)
            data[name] = value
        if "start_date" in changes:
            data["start_date"] = changes["start_date"].isoformat()  # type: ignore[attr-defined]
        if TEXT_FIELDS & set(changes):
            text_changed.append(pk)
        entries.append({"action": "person.update", "subject": person, "data": data})
    # Managers whose reports change: their rows' roles may change with them.
    touched: set[int | None] = {p.manager_id for p in created}
    for pk, manager_path in repath.items():
        person = objects[pk]
        touched.update((person.manager_id, manager_of[pk]))
        person.manager_id = manager_of[pk]
        person.manager_path = manager_path
        fields.update({"manager", "manager_path"})
    if objects and fields:
        now = timezone.now()
        for person in objects.values():
            person.updated_at = now  # bulk_update leaves auto_now alone
        Person.objects.bulk_update(
            list(objects.values()), sorted({*fields, "updated_at"}), batch_size=500
        )

    touched.update(p.manager_id for p in inactive)
    for person in inactive:
        entries.append({"action": "person.update", "subject": person, "data": {"is_active": False}})
    if inactive:
        Person.objects.filter(pk__in=[p.pk for p in inactive]).update(
            is_active=False, updated_at=timezone.now()
        )
        tombstones.record_many(
            kind=tombstones.PERSON,
            object_ids=[p.pk for p in inactive],
            event=tombstones.DEACTIVATED,
        )

    # Memberships, as add_member and remove_member.
    joins = [Membership(person_id=person_id(p), team_id=team_id(t)) for p, t in plan.joins]
    Membership.objects.bulk_create(joins, batch_size=500)
    for membership in joins:
        entries.append(
            {
                "action": "team.add_member",
                "subject": Team(pk=membership.team_id),
                "data": {"person": membership.person_id},
            }
        )
    leaving: dict[int, list[int]] = defaultdict(list)
    for pk, team_pk in plan.leaves:
        leaving[team_pk].append(pk)
        entries.append(
            {"action": "team.remove_member", "subject": Team(pk=team_pk), "data": {"person": pk}}
        )
    for team_pk, person_ids in leaving.items():
        Membership.objects.filter(team_id=team_pk, person_id__in=person_ids).delete()

    # People missing from the file, when asked: deactivated as update_person(is_active=False).
    if plan.deactivations:
        touched.update(
            Person.objects.filter(pk__in=plan.deactivations).values_list("manager_id", flat=True)
        )
        Person.objects.filter(pk__in=plan.deactivations).update(
            is_active=False, updated_at=timezone.now()
        )
        tombstones.record_many(
            kind=tombstones.PERSON,
            object_ids=list(plan.deactivations),
            event=tombstones.DEACTIVATED,
        )
        for pk in plan.deactivations:
            entries.append(
                {"action": "person.update", "subject": Person(pk=pk), "data": {"is_active": False}}
            )

    actions.touch_managers(*touched)
    audit.record_many(entries, actor=acting_user)
    people_saved_in_bulk.send(
        sender=Person, person_ids=[p.pk for p in created] + text_changed, team_ids=new_team_ids
    )


# -- export ------------------------------------------------------------------------------------


def export(*, acting_user: Person | None, fmt: str = "csv") -> bytes:
    """The organisation in the import's format (people without an email are left out)."""
    require_hr(acting_user)
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"Choose one of: {', '.join(FORMATS)}.")
    rows = orgchart_plan.export_rows(load_org())
    return orgchart.to_xlsx(rows) if fmt == "xlsx" else orgchart.to_csv(rows)


def template(fmt: str) -> bytes:
    """A file to start from: the header and a few example rows."""
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"Choose one of: {', '.join(FORMATS)}.")
    rows = orgchart.TEMPLATE_ROWS
    return orgchart.to_xlsx(rows) if fmt == "xlsx" else orgchart.to_csv(rows)


def problems_text(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]
