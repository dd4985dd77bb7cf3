"""Planning an org-chart import: the organisation as plain data, what a checked file
(``orgchart.Sheet``) would change in it, step by step, and the organisation as rows of the
file (the export). No database: ``orgchart_apply`` loads the organisation and applies plans.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from lineofsight.people.orgchart import Problem, Row, Sheet

# -- the organisation as plain data ----------------------------------------------------------


@dataclass(frozen=True)
class OrgPerson:
    id: int
    email: str  # lower case, "" when the person has none
    username: str
    name: str
    manager_id: int | None
    title: str
    hr: bool
    superuser: bool
    start_date: dt.date | None
    active: bool
    team_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OrgTeam:
    id: int
    name: str
    parent_id: int | None
    kind: str
    lead_id: int | None


@dataclass
class Org:
    name: str
    people: list[OrgPerson]
    teams: list[OrgTeam]

    def company(self) -> OrgTeam | None:
        roots = [t for t in self.teams if t.parent_id is None]
        roots.sort(key=lambda t: (t.kind != "company", t.id))
        return roots[0] if roots else None

    def team_paths(self) -> dict[int, tuple[str, ...]]:
        """Each team's path below the company (the company's own: its name alone)."""
        by_id = {t.id: t for t in self.teams}
        company = self.company()
        paths: dict[int, tuple[str, ...]] = {}

        def path(team: OrgTeam) -> tuple[str, ...]:
            if team.id in paths:
                return paths[team.id]
            if team.parent_id is None or team.parent_id not in by_id:
                result: tuple[str, ...] = (team.name,)
            elif company is not None and team.parent_id == company.id:
                result = (team.name,)
            else:
                result = (*path(by_id[team.parent_id]), team.name)
            paths[team.id] = result
            return result

        for team in self.teams:
            path(team)
        return paths


# -- planning ---------------------------------------------------------------------------------

TeamRef = int | tuple[str, ...]  # an existing team's id, or the path of a team to create
PersonRef = int | str  # an existing person's id, or the email of a person to create


@dataclass(frozen=True)
class Step:
    """One line of the dry-run: what happens to whom, and the value before and after."""

    kind: str  # "create", "change", "move", "deactivate", "new_team"
    row: int | None
    who: str  # the email (or, for a new team, its path)
    name: str
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass
class Plan:
    """What applying the file would do; ``problems`` non-empty means it would do nothing."""

    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    # What the apply step needs (references resolved against the organisation):
    # New teams, parents first: (path, parent), the parent an existing team's id or the path
    # of a new one (the empty path: the company, made when the organisation has no teams).
    new_teams: list[tuple[tuple[str, ...], TeamRef]] = field(default_factory=list)
    creates: list[Row] = field(default_factory=list)
    updates: dict[int, dict[str, object]] = field(default_factory=dict)
    managers: dict[PersonRef, PersonRef | None] = field(default_factory=dict)
    joins: list[tuple[PersonRef, TeamRef]] = field(default_factory=list)
    leaves: list[tuple[int, int]] = field(default_factory=list)  # (person id, team id)
    deactivations: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for step in self.steps if step.kind == kind)

    @property
    def digest(self) -> str:
        """A fingerprint of the plan: applying refuses when the plan made then differs."""
        lines = [[s.kind, s.row, s.who, s.name, s.field, s.old, s.new] for s in self.steps] + [
            ["problem", p.row, p.column, p.message] for p in self.problems
        ]
        text = json.dumps(lines, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def plan(
    sheet: Sheet, org: Org, *, deactivate_missing: bool = False, acting_id: int | None = None
) -> Plan:
    """What importing ``sheet`` into ``org`` would change, step by step, or why it cannot."""
    result = Plan(rows=len(sheet.rows))
    columns = sheet.columns
    people = {p.id: p for p in org.people}
    by_email: dict[str, list[OrgPerson]] = {}
    for person in org.people:
        if person.email:
            by_email.setdefault(person.email, []).append(person)
    teams = {t.id: t for t in org.teams}
    team_paths = org.team_paths()
    company = org.company()
    children: dict[tuple[int | None, str], list[OrgTeam]] = {}
    for team in org.teams:
        children.setdefault((team.parent_id, team.name.casefold()), []).append(team)

    def problem(row: Row, column: str, message: str) -> None:
        result.problems.append(Problem(row.number, column, message))

    # Who each row is: someone already in the organisation, or someone new.
    matched: dict[str, OrgPerson] = {}
    for row in sheet.rows:
        found = by_email.get(row.email, [])
        if len(found) > 1:
            names = ", ".join(sorted(p.username for p in found))
            problem(
                row,
                "email",
                f"several people in the organisation have the email {row.email} ({names}); "
                "give each their own first.",
            )
        elif found:
            matched[row.email] = found[0]
    file_emails = {row.email for row in sheet.rows} | sheet.set_aside

    def ref_of_email(email: str) -> PersonRef | None:
        if email in matched:
            return matched[email].id
        if email in file_emails:
            return email
        found = by_email.get(email, [])
        if len(found) == 1:
            return found[0].id
        return None

    # Teams: a path below the company (it may start with the company's name).
    company_name = (company.name if company else org.name).casefold()
    new_team_set: dict[tuple[str, ...], TeamRef] = {}  # a new team's path: its parent

    def resolve_team(row: Row, path: tuple[str, ...]) -> TeamRef | None:
        if path[0].casefold() == company_name:
            path = path[1:]
            if not path:
                return company.id if company else ()
        if company is None:  # no teams yet: every team of the file is new
            for n in range(len(path)):
                new_team_set.setdefault(path[: n + 1], path[:n])
            return path
        parent = company.id
        for depth, part in enumerate(path):
            found = children.get((parent, part.casefold()), [])
            if len(found) > 1:
                where = " / ".join(path[: depth + 1])
                problem(row, "team_path", f"several teams are called {where!r}; rename one first.")
                return None
            if not found:
                new_team_set.setdefault(path[: depth + 1], parent)
                for n in range(depth + 1, len(path)):
                    new_team_set.setdefault(path[: n + 1], path[:n])
                return path
            parent = found[0].id
        return parent

    def team_label(ref: TeamRef) -> str:
        path = team_paths.get(ref, ()) if isinstance(ref, int) else ref or (org.name,)
        return " / ".join(path)

    def person_label(ref: PersonRef | None) -> str:
        if ref is None:
            return ""
        if isinstance(ref, int):
            return people[ref].email or people[ref].username
        return ref

    # Each row against the organisation.
    final_manager: dict[PersonRef, PersonRef | None] = {p.id: p.manager_id for p in org.people}
    row_of: dict[PersonRef, Row] = {}
    for row in sheet.rows:
        existing = matched.get(row.email)
        me: PersonRef = existing.id if existing else row.email
        row_of[me] = row
        manager: PersonRef | None
        if "manager_email" in columns:
            manager = None
            if row.manager_email:
                manager = ref_of_email(row.manager_email)
                if manager is None:
                    problem(
                        row,
                        "manager_email",
                        f"nobody in the file or the organisation has the email "
                        f"{row.manager_email}.",
                    )
                    continue
                if manager == me:
                    problem(row, "manager_email", "a person cannot be their own manager.")
                    continue
        else:
            manager = existing.manager_id if existing else None
        final_manager[me] = manager
        team_refs: list[TeamRef] = []
        if "team_path" in columns:
            for path in row.team_paths:
                ref = resolve_team(row, path)
                if ref is not None and ref not in team_refs:
                    team_refs.append(ref)
        if existing is None:
            result.creates.append(row)
            details = [
                f"manager {person_label(manager)}" if manager is not None else "no manager",
                *(f"in {team_label(ref)}" for ref in team_refs),
                *([row.title] if row.title else []),
                *(["HR"] if row.hr else []),
                *(["inactive"] if row.active is False else []),
            ]
            result.steps.append(
                Step("create", row.number, row.email, row.name, "", "", ", ".join(details))
            )
            if manager is not None:
                result.managers[me] = manager
            for ref in team_refs:
                result.joins.append((me, ref))
            continue
        updates: dict[str, object] = {}
        name = existing.name

        def change(
            column: str,
            attribute: str,
            old: object,
            new: object,
            shown: tuple[str, str],
            *,
            row: Row = row,
            name: str = name,
            into: dict[str, object] = updates,
        ) -> None:
            if old != new:
                into[attribute] = new
                result.steps.append(
                    Step("change", row.number, row.email, name, column, shown[0], shown[1])
                )

        change("name", "display_name", existing.name, row.name, (existing.name, row.name))
        if "title" in columns:
            change("title", "job_title", existing.title, row.title, (existing.title, row.title))
        if "hr" in columns:
            hr = bool(row.hr)
            change("hr", "is_hr_admin", existing.hr, hr, (yes_no(existing.hr), yes_no(hr)))
            if "is_hr_admin" in updates:
                updates["is_staff"] = hr or existing.superuser
        if "start_date" in columns and row.start_date is not None:
            old_day = existing.start_date.isoformat() if existing.start_date else ""
            change(
                "start_date",
                "start_date",
                existing.start_date,
                row.start_date,
                (old_day, row.start_date.isoformat()),
            )
        if "active" in columns:
            active = row.active is not False
            if existing.id == acting_id and not active:
                problem(row, "active", "you cannot deactivate yourself.")
            change(
                "active",
                "is_active",
                existing.active,
                active,
                (yes_no(existing.active), yes_no(active)),
            )
        if updates:
            result.updates[existing.id] = updates
        if manager != existing.manager_id:
            result.managers[me] = manager
            result.steps.append(
                Step(
                    "move",
                    row.number,
                    row.email,
                    name,
                    "manager",
                    person_label(existing.manager_id),
                    person_label(manager),
                )
            )
        if "team_path" in columns:
            current = set(existing.team_ids)
            wanted = set(team_refs)
            if current != wanted:
                for ref in team_refs:
                    if ref not in current:
                        result.joins.append((existing.id, ref))
                for team_id in sorted(current - wanted):
                    team = teams[team_id]
                    if team.lead_id == existing.id:
                        problem(
                            row,
                            "team_path",
                            f"{name} leads {team_label(team_id)}; choose a new lead for it "
                            "before taking them out of it.",
                        )
                    result.leaves.append((existing.id, team_id))
                old = "; ".join(sorted(team_label(t) for t in current))
                new = "; ".join(team_label(t) for t in team_refs)
                result.steps.append(
                    Step("move", row.number, row.email, name, "team_path", old, new)
                )

    # New teams, parents first.
    result.new_teams = sorted(new_team_set.items(), key=lambda item: (len(item[0]), item[0]))
    if not org.teams and result.new_teams:
        result.notes.append(
            f"The organisation has no teams yet: {org.name!r} is created as the company, "
            "with the teams of the file inside it."
        )
    result.steps[:0] = [
        Step("new_team", None, " / ".join(path), path[-1]) for path, _ in result.new_teams
    ]

    # The reporting line must stay a tree.
    _find_loops(final_manager, row_of, people, result)

    # People in the organisation missing from the file.
    if deactivate_missing:
        for person in sorted(org.people, key=lambda p: (p.name.casefold(), p.id)):
            if not person.active or person.email in matched:
                continue
            if person.id == acting_id:
                result.notes.append(
                    "You are not in the file; you stay active (nobody deactivates themselves)."
                )
                continue
            result.deactivations.append(person.id)
            result.steps.append(
                Step(
                    "deactivate",
                    None,
                    person.email or person.username,
                    person.name,
                    "active",
                    "yes",
                    "no",
                )
            )
    result.problems.sort()
    return result


def _find_loops(
    manager_of: dict[PersonRef, PersonRef | None],
    row_of: dict[PersonRef, Row],
    people: dict[int, OrgPerson],
    result: Plan,
) -> None:
    state: dict[PersonRef, int] = {}  # 1: on the current walk, 2: known to reach the top
    reported: set[PersonRef] = set()
    for start in manager_of:
        walk: list[PersonRef] = []
        node: PersonRef | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = manager_of.get(node)
        if node is not None and state.get(node) == 1 and node not in reported:
            loop = walk[walk.index(node) :]
            reported.update(loop)
            labels = []
            for member in loop:
                if member in row_of:
                    labels.append(f"row {row_of[member].number}")
                elif isinstance(member, int):
                    labels.append(people[member].name)
            first = min(
                (row_of[m] for m in loop if m in row_of), key=lambda r: r.number, default=None
            )
            if first is not None:
                result.problems.append(
                    Problem(
                        first.number,
                        "manager_email",
                        "these rows make a loop in the reporting line: " + ", ".join(labels) + ".",
                    )
                )
        for member in walk:
            state[member] = 2


# -- the export ---------------------------------------------------------------------------


def export_row(
    person: OrgPerson,
    manager_email: str,
    paths: Iterable[tuple[str, ...]],
) -> list[str]:
    return [
        person.email,
        person.name,
        manager_email,
        "; ".join(" / ".join(p) for p in paths),
        person.title,
        yes_no(person.hr),
        person.start_date.isoformat() if person.start_date else "",
        yes_no(person.active),
    ]


def export_rows(org: Org) -> list[list[str]]:
    """The organisation in the file's format (people without an email are left out: the
    email is how a row names a person); managers before the people they manage."""
    people = {p.id: p for p in org.people}
    paths = org.team_paths()
    company = org.company()

    def depth(person: OrgPerson) -> int:
        n, seen, node = 0, set(), person
        while node.manager_id is not None and node.manager_id in people and node.id not in seen:
            seen.add(node.id)
            node = people[node.manager_id]
            n += 1
        return n

    rows = []
    for person in sorted(org.people, key=lambda p: (depth(p), p.name.casefold(), p.email)):
        if not person.email:
            continue
        manager = people.get(person.manager_id) if person.manager_id else None
        team_paths = sorted(
            paths[t] if (company is None or t != company.id) else (company.name,)
            for t in person.team_ids
        )
        rows.append(export_row(person, manager.email if manager else "", team_paths))
    return rows
