"""What importing a checked OKR graph file would create and change: the dry-run's plan.

Each entity of the file is matched to a row here by its id: through the mapping kept by
earlier imports from the same source (``ExchangeMapping``), or, in a file this installation
exported itself, by the row its id names. A cycle with no match is also matched by its name.
Matched rows are compared field by field (a change each); the others are created.

History is append-only: check-ins and revisions already here are kept as they are. A
matched alignment link whose kind, weight or state differs is ended and a new one started
(as re-weighting a link does); one the file ends is ended.

The plan reads the organisation in a fixed number of queries (a few more, in batches, for
the rows a re-import matches) and every problem names its place in the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from lineofsight.goals import scoring
from lineofsight.goals.exchange import graph
from lineofsight.goals.exchange.reading import Document, Problem, problem_order
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    ExchangeMapping,
    Initiative,
    KeyResult,
    Objective,
)
from lineofsight.people.models import Person

# A reference to a row: its local id (int), or the file's id of one this import creates.
Ref = int | tuple[str, str]

BATCH = 5000
OBJECTIVE_FIELDS = (
    "cycle",
    "title",
    "description",
    "level",
    "owner_person",
    "owner_team",
    "visibility",
    "state",
    "commitment",
    "progress_mode",
    "is_development",
    "rationale",
    "computed_grade",
    "adjusted_grade",
    "grade_reason",
)
OBJECTIVE_REVISED = (
    "title",
    "description",
    "state",
    "commitment",
    "visibility",
    "progress_mode",
    "rationale",
)
KEY_RESULT_FIELDS = (
    "cycle",
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "signal",
    "weight",
    "owner",
    "source",
    "state",
    "position",
    "computed_grade",
    "adjusted_grade",
    "grade_reason",
)
KEY_RESULT_REVISED = (
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "signal",
    "weight",
    "source",
    "state",
    "owner",
)
INITIATIVE_FIELDS = ("title", "owner", "state", "link")
LINK_FIELDS = ("kind", "weight", "state", "ended")
DEFAULTS: dict[str, dict[str, Any]] = {
    "cycles": {"state": "planning", "check_in_cadence": "weekly", "parent": None},
    "objectives": {
        "description": "",
        "visibility": "public",
        "state": "active",
        "commitment": "aspirational",
        "progress_mode": "key_results",
        "is_development": False,
        "computed_grade": None,
        "adjusted_grade": None,
        "grade_reason": "",
    },
    "key_results": {
        "cycle": None,
        "unit": "",
        "start_value": None,
        "target_value": None,
        "signal": "lagging",
        "weight": 1.0,
        "source": "check_ins",
        "state": "active",
        "position": 0,
        "computed_grade": None,
        "adjusted_grade": None,
        "grade_reason": "",
    },
    "alignment_links": {
        "kind": "contributes",
        "weight": 1.0,
        "state": "accepted",
        "rationale": "",
        "decided_at": None,
        "ended_at": None,
        "end_reason": "",
        "created_by": None,
    },
    "initiatives": {"state": "planned", "link": ""},
    "check_ins": {"value": None, "done": None, "note": "", "amendment_reason": ""},
    "objective_revisions": {"description": "", "rationale": "", "reason": "", "author": None},
    "key_result_revisions": {
        "unit": "",
        "start_value": None,
        "target_value": None,
        "signal": "lagging",
        "source": "check_ins",
        "state": "active",
        "reason": "",
        "author": None,
    },
}
LABELS = {
    "cycles": "Cycle",
    "objectives": "Objective",
    "key_results": "Key result",
    "alignment_links": "Alignment link",
    "initiatives": "Initiative",
    "check_ins": "Check-in",
    "objective_revisions": "Objective revision",
    "key_result_revisions": "Key result revision",
}


@dataclass(frozen=True)
class Step:
    """One thing the import does: ``create`` an entity, or ``change`` one of its fields."""

    action: str  # create, change
    section: str
    id: str  # the file's id
    label: str  # what it is, in words
    where: str  # its place in the file
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass
class Op:
    """What to write for one entity: its values (people and teams resolved to ids), its
    references to other entities (``Ref``), and the local row it updates (None: a new one)."""

    section: str
    sid: str
    values: dict[str, Any]
    refs: dict[str, Ref | None] = field(default_factory=dict)
    local: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # of a matched row: field -> new


@dataclass
class Plan:
    source: str = ""
    kind: str = "json"
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ops: dict[str, list[Op]] = field(default_factory=lambda: defaultdict(list))
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str, section: str | None = None) -> int:
        return sum(
            1
            for s in self.steps
            if s.action == action and (section is None or s.section == section)
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """Per section: entities to create, and entities with at least one change."""
        out: dict[str, dict[str, int]] = {}
        for section in graph.SECTIONS:
            created = sum(1 for op in self.ops.get(section, ()) if op.local is None)
            changed = sum(1 for op in self.ops.get(section, ()) if op.local and op.changes)
            out[section] = {"create": created, "change": changed}
        return out

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for s in self.steps:
            h.update(f"{s.action}|{s.section}|{s.id}|{s.field}|{s.old}|{s.new}\n".encode())
        return h.hexdigest()[:16]


# -- what is here ------------------------------------------------------------------------------


def _batched(model: type[Model], pks: Iterable[int], fields: tuple[str, ...]) -> dict[int, tuple]:  # type: ignore[type-arg]
    wanted = sorted(set(pks))
    rows: dict[int, tuple] = {}  # type: ignore[type-arg]
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        for row in (
            model._default_manager.filter(pk__in=chunk).order_by().values_list("pk", *fields)
        ):
            rows[row[0]] = row[1:]
    return rows


class Here:
    """The organisation as the plan needs it: people, teams, cycles, the mapping of this
    source, and (loaded on demand) the rows the file's ids match."""

    def __init__(self, source: str) -> None:
        self.source = source
        # A spreadsheet's ids in the export's form (objective-12) name rows here.
        self.own = source in (graph.install_id(), "spreadsheet")
        people: dict[str, int] = {}
        for pk, email, username in Person.objects.order_by("pk").values_list(
            "id", "email", "username"
        ):
            people.setdefault(username.lower(), pk)
            if email:
                people[email.strip().lower()] = pk
        self.people = people
        self.person_names = graph.person_names()
        paths = graph.team_paths()
        self.team_names = paths
        by_path: dict[str, list[int]] = defaultdict(list)
        for pk, path in paths.items():
            by_path[_norm_path(path)].append(pk)
        self.teams = by_path
        self.cycles = {
            row[0]: row[1:]
            for row in Cycle.objects.order_by("pk").values_list(
                "id",
                "name",
                "kind",
                "start_date",
                "end_date",
                "parent_id",
                "state",
                "check_in_cadence",
            )
        }
        self.cycle_by_name = {row[0].lower(): pk for pk, row in self.cycles.items()}
        self.mapping: dict[tuple[str, str], int] = {
            (kind, sid): local
            for kind, sid, local in ExchangeMapping.objects.filter(source=source)
            .order_by()
            .values_list("kind", "source_id", "local_id")
        }

    def candidate(self, section: str, sid: str) -> int | None:
        mapped = self.mapping.get((section, sid))
        if mapped is not None:
            return mapped
        return graph.local_pk(section, sid) if self.own else None


def _norm_path(path: str) -> str:
    return " / ".join(part.strip().lower() for part in path.split("/") if part.strip())


# -- checks of values --------------------------------------------------------------------------


def _when(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return scoring.fmt(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        return math.isclose(a, float(b), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(b, float) and isinstance(a, int) and not isinstance(a, bool):
        return math.isclose(float(a), b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


# -- the plan --------------------------------------------------------------------------------


class Planner:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.data = document.data
        self.plan = Plan(source=document.source, kind=document.kind, rows=document.rows)
        self.plan.notes.extend(document.notes)
        self.here = Here(document.source)
        # The file's ids of each section, with their index (duplicates are problems).
        self.index: dict[str, dict[str, int]] = {}
        # Each entity's resolved reference, local or new.
        self.resolved: dict[str, dict[str, Ref]] = defaultdict(dict)
        # Matched local rows, by section: pk -> values.
        self.existing: dict[str, dict[int, tuple]] = {}  # type: ignore[type-arg]
        # What the plan knows of every objective and key result it may point at.
        self.objective_cycle: dict[Ref, Ref] = {}
        self.kr_objective: dict[Ref, Ref] = {}
        self.kr_spec: dict[Ref, scoring.KeyResultSpec] = {}
        self.live_links: dict[tuple[int, Any, Any], int] | None = None
        self.kr_title: dict[Ref, str] = {}
        self.known: dict[str, set[int]] = defaultdict(set)  # rows here, checked
        self.missing: dict[str, set[int]] = defaultdict(set)  # ids naming no row here
        self.cycle_names: dict[str, Ref] = {}

    # -- helpers ----------------------------------------------------------------------------

    def items(self, section: str) -> list[dict[str, Any]]:
        return list(self.data.get(section) or [])

    def where(self, section: str, index: int, name: str = "") -> str:
        return self.doc.locate(section, index, name)

    def problem(self, section: str, index: int, name: str, message: str) -> None:
        self.plan.problems.append(Problem(self.where(section, index, name), message))

    def value(self, section: str, item: dict[str, Any], name: str) -> Any:
        if name in item:
            return item[name]
        return DEFAULTS.get(section, {}).get(name)

    def person(self, section: str, index: int, name: str, email: Any) -> int | None:
        if email is None:
            return None
        pk = self.here.people.get(str(email).strip().lower())
        if pk is None:
            self.problem(section, index, name, f"no one here has the email {email!r}.")
        return pk

    def team(self, section: str, index: int, name: str, path: str) -> int | None:
        found = self.here.teams.get(_norm_path(path), [])
        if len(found) == 1:
            return found[0]
        if not found:
            self.problem(section, index, name, f"there is no team {path!r} here.")
        else:
            self.problem(section, index, name, f"several teams here are called {path!r}.")
        return None

    def ref(self, section: str, index: int, name: str, target: str, sid: Any) -> Ref | None:
        """Resolve a reference to an entity of ``target``: one of the file, or one here."""
        if sid is None:
            return None
        sid = str(sid)
        if target == "cycles" and sid.startswith("name:"):
            by_name = self.cycle_names.get(sid[5:].strip().lower())
            if by_name is None:
                by_name = self.here.cycle_by_name.get(sid[5:].strip().lower())
            if by_name is None:
                self.problem(section, index, name, f"there is no cycle {sid[5:]!r} here.")
            return by_name
        if sid in self.resolved[target]:
            return self.resolved[target][sid]
        if sid in self.index.get(target, {}):
            return None  # that entity has problems of its own
        pk = self.here.candidate(target, sid)
        if pk is not None and self._exists(target, pk):
            return pk
        self.problem(
            section,
            index,
            name,
            f"{sid!r} is neither in the file's {target.replace('_', ' ')} nor imported before.",
        )
        return None

    def _exists(self, target: str, pk: int) -> bool:
        if target == "cycles":
            return pk in self.here.cycles
        if pk in self.existing.get(target, {}) or pk in self.known[target]:
            return True
        if pk in self.missing[target]:
            return False
        model = {"objectives": Objective, "key_results": KeyResult}.get(target)
        if model is None:
            return False
        rows = _batched(model, [pk], ("pk",))
        if rows and target == "objectives":
            self._remember_objectives([pk])
        if rows and target == "key_results":
            self._remember_key_results([pk])
        if not rows:
            self.missing[target].add(pk)
        return bool(rows)

    def prefetch(self, target: str, sids: Iterable[Any]) -> None:
        """Load at once the rows here that references to ``target`` outside the file name
        (so a file of 100,000 check-ins costs a few queries, not one per key result)."""
        wanted = set()
        for sid in sids:
            if sid is None or str(sid) in self.index.get(target, {}):
                continue
            pk = self.here.candidate(target, str(sid))
            if pk is not None and pk not in self.known[target]:
                wanted.add(pk)
        if not wanted:
            return
        if target == "objectives":
            self._remember_objectives(wanted)
        elif target == "key_results":
            self._remember_key_results(wanted)
        self.missing[target].update(wanted - self.known[target])

    def _remember_objectives(self, pks: Iterable[int]) -> None:
        for pk, (cycle,) in _batched(Objective, pks, ("cycle_id",)).items():
            self.known["objectives"].add(pk)
            self.objective_cycle[pk] = cycle

    def _remember_key_results(self, pks: Iterable[int]) -> None:
        fields = (
            "objective_id",
            "kind",
            "start_value",
            "target_value",
            "unit",
            "objective__cycle_id",
            "title",
        )
        for pk, (objective, kind, start, target, unit, cycle, title) in _batched(
            KeyResult, pks, fields
        ).items():
            self.known["key_results"].add(pk)
            self.kr_title[pk] = title
            self.kr_objective[pk] = objective
            self.objective_cycle.setdefault(objective, cycle)
            self.kr_spec[pk] = scoring.KeyResultSpec(
                scoring.KeyResultKind(kind), start, target, unit
            )

    def ids(self, section: str) -> None:
        """Check the section's ids are unique; match them to rows here."""
        seen: dict[str, int] = {}
        for i, item in enumerate(self.items(section)):
            sid = str(item.get("id", ""))
            if sid in seen:
                self.problem(
                    section, i, "id", f"{sid!r} is also the id of {self.where(section, seen[sid])}."
                )
                continue
            seen[sid] = i
        self.index[section] = seen

    def match(self, section: str, model: type[Model], fields: tuple[str, ...]) -> dict[str, int]:
        """The file's ids of ``section`` matched to existing rows (with their values loaded)."""
        candidates = {}
        for sid in self.index[section]:
            pk = self.here.candidate(section, sid)
            if pk is not None:
                candidates[sid] = pk
        rows = _batched(model, candidates.values(), fields) if candidates else {}
        self.existing[section] = rows
        return {sid: pk for sid, pk in candidates.items() if pk in rows}

    def step_create(self, section: str, index: int, sid: str, label: str, new: str) -> None:
        where = self.where(section, index)
        self.plan.steps.append(Step("create", section, sid, label, where, new=new))

    def diff(
        self,
        op: Op,
        index: int,
        label: str,
        old: dict[str, Any],
        new: dict[str, Any],
        shown: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        for name, value in new.items():
            if _same(old.get(name), value):
                continue
            op.changes[name] = value
            before, after = (shown or {}).get(name, (_show(old.get(name)), _show(value)))
            self.plan.steps.append(
                Step(
                    "change",
                    op.section,
                    op.sid,
                    label,
                    self.where(op.section, index, name),
                    field=name,
                    old=before,
                    new=after,
                )
            )
        if not op.changes:
            self.plan.unchanged += 1

    # -- sections ----------------------------------------------------------------------------

    def run(self) -> Plan:
        for section in graph.SECTIONS:
            self.ids(section)
        self.cycles()
        self.objectives()
        self.key_results()
        self.links()
        self.initiatives()
        self.check_ins()
        self.revisions()
        if not self.plan.problems:
            self.loops()
        self.plan.problems = sorted(set(self.plan.problems), key=problem_order)
        return self.plan

    def cycles(self) -> None:
        section = "cycles"
        here = self.here
        names: dict[str, int] = {}
        pending: list[tuple[int, dict[str, Any], Op]] = []
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            name = str(item["name"]).strip()
            key = name.lower()
            if key in names:
                self.problem(
                    section, i, "name", f"{name!r} is also the name of cycles[{names[key]}]."
                )
                continue
            names[key] = i
            start, end = _day(item.get("start_date")), _day(item.get("end_date"))
            if start is None:
                self.problem(section, i, "start_date", "use a date as YYYY-MM-DD.")
            if end is None:
                self.problem(section, i, "end_date", "use a date as YYYY-MM-DD.")
            if start and end and end < start:
                self.problem(section, i, "end_date", "the cycle ends before it starts.")
            local = here.candidate(section, sid)
            if local not in here.cycles:
                local = here.cycle_by_name.get(key)
            elif here.cycles[local][0].lower() != key and key in here.cycle_by_name:
                self.problem(section, i, "name", f"another cycle here is called {name!r}.")
            op = Op(section, sid, {}, local=local)
            values = {
                "name": name,
                "kind": item["kind"],
                "start_date": start,
                "end_date": end,
                "state": self.value(section, item, "state"),
                "check_in_cadence": self.value(section, item, "check_in_cadence"),
            }
            op.values = values
            self.resolved[section][sid] = local if local is not None else (section, sid)
            self.cycle_names[key] = self.resolved[section][sid]
            pending.append((i, item, op))
        for i, item, op in pending:
            parent = self.ref(section, i, "parent", section, self.value(section, item, "parent"))
            op.refs["parent"] = parent
            if parent is not None:
                parent_kind = (
                    here.cycles[parent][1]
                    if isinstance(parent, int)
                    else self.items(section)[self.index[section][parent[1]]]["kind"]
                )
                if op.values["kind"] != "quarter" or parent_kind != "annual":
                    self.problem(section, i, "parent", "only a quarter has a parent: its year.")
            elif op.values["kind"] == "quarter" and op.local is None:
                pass  # a quarter may stand alone
            if op.local is not None:
                name, kind, start, end, parent_id, state, cadence = here.cycles[op.local]
                theirs = (op.values["kind"], op.values["start_date"], op.values["end_date"])
                if theirs != (kind, start, end):
                    self.plan.notes.append(
                        f"{self.where(section, i)}: the cycle {name!r} here runs "
                        f"{start:%Y-%m-%d} to {end:%Y-%m-%d} ({kind}); it is kept as it is."
                    )
                self.plan.unchanged += 1
                continue
            self.plan.ops[section].append(op)
            self.step_create(
                section,
                i,
                op.sid,
                op.values["name"],
                f"{op.values['kind']}, {item['start_date']} to {item['end_date']}",
            )

    def cycle_of(self, ref: Ref | None) -> tuple[str, Ref | None] | None:
        """(kind, parent) of a cycle of the file or here."""
        if ref is None:
            return None
        if isinstance(ref, int):
            row = self.here.cycles.get(ref)
            return (row[1], row[4]) if row else None
        item = self.items("cycles")[self.index["cycles"][ref[1]]]
        parent = item.get("parent")
        return str(item["kind"]), (self.resolved["cycles"].get(str(parent)) if parent else None)

    def objectives(self) -> None:
        section = "objectives"
        matched = self.match(
            section,
            Objective,
            tuple(
                f"{f}_id" if f in ("cycle", "owner_person", "owner_team") else f
                for f in OBJECTIVE_FIELDS
            ),
        )
        rationale_of: dict[str, str] = {}
        for link in self.items("alignment_links"):
            if link.get("rationale") and link.get("ended_at") is None:
                rationale_of.setdefault(str(link["child"]), str(link["rationale"]))
        now = timezone.now()
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            before = len(self.plan.problems)
            cycle = self.ref(section, i, "cycle", "cycles", item["cycle"])
            owner = item["owner"]
            person = team = None
            if "person" in owner:
                person = self.person(section, i, "owner", owner["person"])
            else:
                team = self.team(section, i, "owner", str(owner["team"]))
            level = item["level"]
            development = bool(self.value(section, item, "is_development"))
            if development and level != "individual":
                self.problem(
                    section,
                    i,
                    "is_development",
                    "only an individual objective is a development goal.",
                )
            created_at = now
            if "created_at" in item:
                created_at = _when(item["created_at"]) or now
                if _when(item["created_at"]) is None:
                    self.problem(
                        section, i, "created_at", "use an ISO 8601 date and time with its offset."
                    )
            created_by = self.person(section, i, "created_by", item.get("created_by"))
            values: dict[str, Any] = {
                "title": str(item["title"]).strip(),
                "level": level,
                "owner_person": person,
                "owner_team": team,
                "rationale": str(item.get("rationale", rationale_of.get(sid, ""))),
            }
            for name in (
                "description",
                "visibility",
                "state",
                "commitment",
                "progress_mode",
                "computed_grade",
                "adjusted_grade",
                "grade_reason",
            ):
                values[name] = self.value(section, item, name)
            values["is_development"] = development
            if len(self.plan.problems) > before:
                continue
            local = matched.get(sid)
            op = Op(section, sid, values, refs={"cycle": cycle}, local=local)
            op.values["created_at"] = created_at
            op.values["created_by"] = created_by
            self.resolved[section][sid] = local if local is not None else (section, sid)
            self.objective_cycle[self.resolved[section][sid]] = cycle  # type: ignore[assignment]
            self.plan.ops[section].append(op)
            label = values["title"]
            if local is None:
                owner_text = owner.get("person") or owner.get("team")
                self.step_create(section, i, sid, label, f"{level}, owned by {owner_text}")
                continue
            old = dict(zip(OBJECTIVE_FIELDS, self.existing[section][local], strict=True))
            # A field the file leaves out is kept as it is here.
            present = {*item, "owner_person", "owner_team", "cycle"}
            if sid in rationale_of:
                present.add("rationale")
            new = {k: v for k, v in values.items() if k in OBJECTIVE_FIELDS and k in present}
            new["cycle"] = cycle
            shown = {
                "cycle": (self._cycle_name(old["cycle"]), self._cycle_name(cycle)),
                "owner_person": (self._person_name(old["owner_person"]), self._person_name(person)),
                "owner_team": (self._team_name(old["owner_team"]), self._team_name(team)),
            }
            self.diff(op, i, label, old, new, shown)

    def _cycle_name(self, ref: Ref | None) -> str:
        if ref is None:
            return ""
        if isinstance(ref, int):
            return str(self.here.cycles[ref][0]) if ref in self.here.cycles else str(ref)
        return str(self.items("cycles")[self.index["cycles"][ref[1]]]["name"])

    def _person_name(self, pk: int | None) -> str:
        return "" if pk is None else self.here.person_names.get(pk, str(pk))

    def _team_name(self, pk: int | None) -> str:
        return "" if pk is None else self.here.team_names.get(pk, str(pk))

    def key_results(self) -> None:
        section = "key_results"
        fields = tuple(f"{f}_id" if f in ("cycle", "owner") else f for f in KEY_RESULT_FIELDS)
        matched = self.match(section, KeyResult, (*fields, "objective_id"))
        self.prefetch("objectives", (item.get("objective") for item in self.items(section)))
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            before = len(self.plan.problems)
            objective = self.ref(section, i, "objective", "objectives", item["objective"])
            objective_cycle = self.objective_cycle.get(objective) if objective is not None else None
            cycle = objective_cycle
            if self.value(section, item, "cycle") is not None:
                cycle = self.ref(section, i, "cycle", "cycles", item["cycle"])
                if cycle is not None and objective_cycle is not None and cycle != objective_cycle:
                    info = self.cycle_of(cycle)
                    if info is None or info[1] != objective_cycle:
                        self.problem(
                            section,
                            i,
                            "cycle",
                            "a key result's cycle is its objective's, or a quarter of its year.",
                        )
            owner = self.person(section, i, "owner", item["owner"])
            values = {name: self.value(section, item, name) for name in KEY_RESULT_FIELDS}
            values["title"] = str(values["title"]).strip()
            values["owner"] = owner
            spec = scoring.KeyResultSpec(
                scoring.KeyResultKind(values["kind"]),
                values["start_value"],
                values["target_value"],
                values["unit"],
            )
            try:
                scoring.validate_spec(spec)
            except scoring.SpecError as exc:
                self.problem(section, i, exc.field, exc.message)
            created_at = timezone.now()
            if "created_at" in item:
                parsed = _when(item["created_at"])
                if parsed is None:
                    self.problem(
                        section, i, "created_at", "use an ISO 8601 date and time with its offset."
                    )
                created_at = parsed or created_at
            local = matched.get(sid)
            if local is not None and objective is not None:
                old_objective = self.existing[section][local][-1]
                if objective != old_objective:
                    self.problem(
                        section, i, "objective", "a key result cannot move to another objective."
                    )
            if len(self.plan.problems) > before or objective is None:
                continue
            values.pop("cycle")
            op = Op(
                section, sid, values, refs={"objective": objective, "cycle": cycle}, local=local
            )
            op.values["created_at"] = created_at
            resolved: Ref = local if local is not None else (section, sid)
            self.resolved[section][sid] = resolved
            self.kr_objective[resolved] = objective
            self.kr_spec[resolved] = spec
            self.kr_title[resolved] = values["title"]
            self.plan.ops[section].append(op)
            label = values["title"]
            if local is None:
                self.step_create(
                    section, i, sid, label, f"{values['kind']}, owned by {item['owner']}"
                )
                continue
            old = dict(zip(KEY_RESULT_FIELDS, self.existing[section][local][:-1], strict=True))
            new = {k: v for k, v in values.items() if k in KEY_RESULT_FIELDS and k in item}
            new["owner"] = owner
            if "cycle" in item:
                new["cycle"] = cycle
            shown = {
                "cycle": (self._cycle_name(old["cycle"]), self._cycle_name(cycle)),
                "owner": (self._person_name(old["owner"]), self._person_name(owner)),
            }
            self.diff(op, i, label, old, new, shown)

    def links(self) -> None:
        section = "alignment_links"
        items = self.items(section)
        self.prefetch("objectives", (i.get("child") for i in items))
        self.prefetch("objectives", (i.get("parent_objective") for i in items))
        self.prefetch("key_results", (i.get("parent_key_result") for i in items))
        matched = self.match(
            section,
            AlignmentLink,
            (
                "kind",
                "weight",
                "state",
                "ended_at",
                "child_id",
                "parent_objective_id",
                "parent_key_result_id",
            ),
        )
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            before = len(self.plan.problems)
            child = self.ref(section, i, "child", "objectives", item["child"])
            parent_obj = self.ref(
                section, i, "parent_objective", "objectives", item.get("parent_objective")
            )
            parent_kr = self.ref(
                section, i, "parent_key_result", "key_results", item.get("parent_key_result")
            )
            if child is not None and child == parent_obj:
                self.problem(section, i, "parent_objective", "an objective cannot align to itself.")
            times: dict[str, dt.datetime | None] = {}
            for name in ("created_at", "decided_at", "ended_at"):
                raw = self.value(section, item, name)
                if raw is None:
                    times[name] = None
                    continue
                times[name] = _when(raw)
                if times[name] is None:
                    self.problem(section, i, name, "use an ISO 8601 date and time with its offset.")
            created_by = self.person(
                section, i, "created_by", self.value(section, item, "created_by")
            )
            if len(self.plan.problems) > before or child is None:
                continue
            if parent_obj is None and parent_kr is None:
                continue
            target = parent_obj if parent_obj is not None else self.kr_objective.get(parent_kr)  # type: ignore[arg-type]
            values = {
                "kind": self.value(section, item, "kind"),
                "weight": float(self.value(section, item, "weight")),
                "state": self.value(section, item, "state"),
                "created_at": times["created_at"] or timezone.now(),
                "decided_at": times["decided_at"],
                "ended_at": times["ended_at"],
                "end_reason": self.value(section, item, "end_reason"),
                "created_by": created_by,
            }
            refs: dict[str, Ref | None] = {
                "child": child,
                "parent_objective": parent_obj,
                "parent_key_result": parent_kr,
                "target": target,
            }
            local = matched.get(sid)
            if local is None and isinstance(child, int):
                local = self._live_link(child, parent_obj, parent_kr)
            op = Op(section, sid, values, refs=refs, local=local)
            self.resolved[section][sid] = local if local is not None else (section, sid)
            label = (
                f"{item['child']} → {item.get('parent_objective') or item.get('parent_key_result')}"
            )
            if local is None:
                self.plan.ops[section].append(op)
                self.step_create(
                    section,
                    i,
                    sid,
                    label,
                    f"{values['kind']}, weight {scoring.fmt(values['weight'])}",
                )
                continue
            kind, weight, state, ended_at, *ends = self.existing[section][local]
            if (child, parent_obj, parent_kr) != tuple(ends):
                self.problem(
                    section,
                    i,
                    "child",
                    "a link cannot change the objectives it joins; give the new one an id of "
                    "its own.",
                )
                continue
            self.plan.ops[section].append(op)
            old = {"kind": kind, "weight": weight, "state": state, "ended": ended_at is not None}
            new = {
                "kind": values["kind"],
                "weight": values["weight"],
                "state": values["state"],
                "ended": values["ended_at"] is not None or ended_at is not None,
            }
            # A field the file leaves out is kept as it is here.
            new = {k: v for k, v in new.items() if (k if k != "ended" else "ended_at") in item}
            self.diff(op, i, label, old, new)

    def _live_link(self, child: int, parent_obj: Ref | None, parent_kr: Ref | None) -> int | None:
        """The live link here between the same two ends (for a file without link ids)."""
        if self.live_links is None:
            self.live_links = {}
            children: set[int] = set()
            for item in self.items("alignment_links"):
                ref = self.resolved["objectives"].get(str(item["child"]))
                if ref is None:
                    ref = self.here.candidate("objectives", str(item["child"]))
                if isinstance(ref, int):
                    children.add(ref)
            wanted = sorted(children)
            for start in range(0, len(wanted), BATCH):
                rows = (
                    AlignmentLink.objects.live()
                    .filter(child_id__in=wanted[start : start + BATCH])
                    .order_by()
                    .values_list(
                        "pk",
                        "child_id",
                        "parent_objective_id",
                        "parent_key_result_id",
                        "kind",
                        "weight",
                        "state",
                        "ended_at",
                    )
                )
                for pk, c, po, pkr, kind, weight, state, ended_at in rows:
                    self.live_links[(c, po, pkr)] = pk
                    self.existing["alignment_links"][pk] = (
                        kind,
                        weight,
                        state,
                        ended_at,
                        c,
                        po,
                        pkr,
                    )
        return self.live_links.get((child, parent_obj, parent_kr))

    def initiatives(self) -> None:
        section = "initiatives"
        self.prefetch("key_results", (i.get("key_result") for i in self.items(section)))
        matched = self.match(
            section, Initiative, ("title", "owner_id", "state", "link", "key_result_id")
        )
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            before = len(self.plan.problems)
            kr = self.ref(section, i, "key_result", "key_results", item["key_result"])
            owner = self.person(section, i, "owner", item["owner"])
            created_at = _when(item.get("created_at")) or timezone.now()
            if "created_at" in item and _when(item["created_at"]) is None:
                self.problem(
                    section, i, "created_at", "use an ISO 8601 date and time with its offset."
                )
            if len(self.plan.problems) > before:
                continue
            values = {
                "title": str(item["title"]).strip(),
                "owner": owner,
                "state": self.value(section, item, "state"),
                "link": self.value(section, item, "link"),
            }
            local = matched.get(sid)
            op = Op(section, sid, values, refs={"key_result": kr}, local=local)
            op.values["created_at"] = created_at
            self.resolved[section][sid] = local if local is not None else (section, sid)
            self.plan.ops[section].append(op)
            if local is None:
                self.step_create(section, i, sid, values["title"], f"owned by {item['owner']}")
                continue
            old = dict(zip(INITIATIVE_FIELDS, self.existing[section][local][:-1], strict=True))
            shown = {"owner": (self._person_name(old["owner"]), self._person_name(owner))}
            self.diff(op, i, values["title"], old, {k: values[k] for k in INITIATIVE_FIELDS}, shown)

    def check_ins(self) -> None:
        section = "check_ins"
        matched = self.match(section, CheckIn, ("key_result_id",))
        self.prefetch("key_results", (i.get("key_result") for i in self.items(section)))
        local_krs = {r for r in self.resolved["key_results"].values() if isinstance(r, int)}
        for item in self.items(section):
            pk = self.here.candidate("key_results", str(item["key_result"]))
            if pk is not None:
                local_krs.add(pk)
        self.readings_here: set[tuple[Ref, Any]] = set()
        wanted = sorted(local_krs)
        for start in range(0, len(wanted), BATCH):
            self.readings_here.update(
                CheckIn.objects.filter(key_result_id__in=wanted[start : start + BATCH])
                .order_by()
                .values_list("key_result_id", "recorded_at")
            )
        for i, item in enumerate(self.items(section)):
            sid = str(item["id"])
            if self.index[section].get(sid) != i:
                continue
            if sid in matched:
                self.plan.unchanged += 1  # history is append-only: kept as it is
                continue
            before = len(self.plan.problems)
            kr = self.ref(section, i, "key_result", "key_results", item["key_result"])
            author = self.person(section, i, "author", item["author"])
            at = _when(item["recorded_at"])
            if at is None:
                self.problem(
                    section, i, "recorded_at", "use an ISO 8601 date and time with its offset."
                )
            value, done = self.value(section, item, "value"), self.value(section, item, "done")
            spec = self.kr_spec.get(kr) if kr is not None else None
            if spec is not None:
                try:
                    scoring.validate_reading(spec, scoring.Reading(value, done, at))
                except scoring.SpecError as exc:
                    self.problem(section, i, exc.field, exc.message)
            if len(self.plan.problems) > before or spec is None:
                continue
            if (kr, at) in self.readings_here:
                self.plan.unchanged += 1  # the same reading is here already
                continue
            reading = scoring.Reading(value, done, at)
            progress = scoring.key_result_progress(spec, reading, explain=False).value
            values = {
                "value": value,
                "done": done,
                "confidence": item["confidence"],
                "note": self.value(section, item, "note"),
                "author": author,
                "recorded_at": at,
                "progress": progress,
                "amendment_reason": self.value(section, item, "amendment_reason"),
            }
            op = Op(section, sid, values, refs={"key_result": kr})
            self.plan.ops[section].append(op)
            shown = scoring.reading_text(spec, value, bool(done))
            title = self.kr_title.get(kr, "") if kr is not None else ""
            title = title or str(item["key_result"])
            self.step_create(section, i, sid, f"{title}, {item['recorded_at'][:10]}", shown)

    def revisions(self) -> None:
        for section, parent_section, parent_field in (
            ("objective_revisions", "objectives", "objective"),
            ("key_result_revisions", "key_results", "key_result"),
        ):
            numbers: set[tuple[str, int]] = set()
            for i, item in enumerate(self.items(section)):
                sid = str(item["id"])
                if self.index[section].get(sid) != i:
                    continue
                parent = self.resolved[parent_section].get(str(item[parent_field]))
                if parent is None:
                    if str(item[parent_field]) not in self.index[parent_section]:
                        self.ref(section, i, parent_field, parent_section, item[parent_field])
                    continue
                if isinstance(parent, int):
                    self.plan.unchanged += 1  # its history here is kept as it is
                    continue
                key = (str(item[parent_field]), int(item["number"]))
                if key in numbers:
                    self.problem(
                        section,
                        i,
                        "number",
                        f"{parent_field} {key[0]} has two revisions numbered {key[1]}.",
                    )
                    continue
                numbers.add(key)
                valid_from = _when(item["valid_from"])
                if valid_from is None:
                    self.problem(
                        section, i, "valid_from", "use an ISO 8601 date and time with its offset."
                    )
                    continue
                author = self.person(section, i, "author", self.value(section, item, "author"))
                values = {
                    k: self.value(section, item, k)
                    for k in item
                    if k not in ("id", parent_field, "author")
                }
                values["valid_from"] = valid_from
                values["author"] = author
                if section == "key_result_revisions":
                    values["owner"] = self.person(section, i, "owner", item["owner"])
                self.plan.ops[section].append(Op(section, sid, values, refs={parent_field: parent}))

    def loops(self) -> None:
        """Refuse a file whose live links, with those here, would make a loop."""
        edges: dict[Ref, set[Ref]] = defaultdict(set)
        replaced: set[int] = set()
        where: dict[tuple[Ref, Ref], str] = {}
        for op in self.plan.ops.get("alignment_links", []):
            if op.local is not None:
                replaced.add(op.local)
            if op.values["ended_at"] is not None or op.values["state"] == "declined":
                continue
            child, target = op.refs["child"], op.refs["target"]
            if child is None or target is None:
                continue
            edges[child].add(target)
            index = self.index["alignment_links"][op.sid]
            where[(child, target)] = self.where("alignment_links", index)
        if not edges:
            return
        for pk, child, target in (
            AlignmentLink.objects.live()
            .exclude(state="declined")
            .order_by()
            .values_list("pk", "child_id", "target_id")
        ):
            if pk not in replaced:
                edges[child].add(target)
        state: dict[Ref, int] = {}
        for start in list(edges):
            if start in state:
                continue
            stack: list[tuple[Ref, Iterable[Ref]]] = [(start, iter(edges.get(start, ())))]
            state[start] = 1
            while stack:
                node, children = stack[-1]
                nxt = next(iter(children), None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    continue
                if state.get(nxt) == 1:
                    place = where.get((node, nxt)) or next(
                        (
                            w
                            for (c, t), w in where.items()
                            if state.get(c) == 1 and state.get(t) == 1
                        ),
                        "alignment_links",
                    )
                    self.plan.problems.append(
                        Problem(
                            place,
                            "this link makes an alignment loop: an objective would "
                            "contribute to itself through its parents.",
                        )
                    )
                    return
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(edges.get(nxt, ()))))


def make_plan(document: Document) -> Plan:
    return Planner(document).run()
