"""The OKR graph's JSON format and its export.

An export holds, for its scope (a cycle or all of them; everything, or what one person may
see), the cycles, objectives, key results, alignment links, initiatives, check-ins and
revisions, each with an id unique in its section (``objective-12``: the kind and this
installation's row) and the installation's id as ``source``. People are named by email,
teams by their path below the company ("Sales / Enterprise Sales").

The export reads each section with one query of plain values (a handful of queries in all,
whatever the size) and is written as a stream, one entity a line, so a quarter of 100,000
rows never sits in memory as a whole.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    ExchangeInstall,
    Initiative,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)
from lineofsight.people.models import Person, Team
from lineofsight.people.orgchart_plan import Org, OrgTeam

FORMAT = "lineofsight.okr-graph"
VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / f"okr-graph-{VERSION}.json"
CONTENT_TYPE = "application/json"
TEAM_SEPARATOR = " / "

# The sections of a file, in the order they are written and applied, and the prefix of
# their ids in an export.
SECTIONS = (
    "cycles",
    "objectives",
    "key_results",
    "alignment_links",
    "initiatives",
    "check_ins",
    "objective_revisions",
    "key_result_revisions",
)
PREFIX = {
    "cycles": "cycle",
    "objectives": "objective",
    "key_results": "key-result",
    "alignment_links": "link",
    "initiatives": "initiative",
    "check_ins": "check-in",
    "objective_revisions": "objective-revision",
    "key_result_revisions": "key-result-revision",
}


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of the format (``schema/okr-graph-1.json``)."""
    return dict(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def install_id() -> str:
    """This installation's id, made once (``ExchangeInstall``): the ``source`` of its exports."""
    key = ExchangeInstall.objects.order_by("pk").values_list("key", flat=True).first()
    if key:
        return key
    try:
        with transaction.atomic():
            ExchangeInstall.objects.create(key=f"lineofsight:{secrets.token_hex(12)}")
    except IntegrityError:  # pragma: no cover - two first exports at once
        pass
    return str(ExchangeInstall.objects.order_by("pk").values_list("key", flat=True).first())


def ref(section: str, pk: int | None) -> str | None:
    return None if pk is None else f"{PREFIX[section]}-{pk}"


def local_pk(section: str, value: str) -> int | None:
    """The row an id of this installation's own export names (``objective-12`` -> 12)."""
    prefix = PREFIX[section] + "-"
    if value.startswith(prefix) and value[len(prefix) :].isdigit():
        return int(value[len(prefix) :])
    return None


def team_paths() -> dict[int, str]:
    """Every team's path below the company (the company's own: its name), in one query."""
    teams = [
        OrgTeam(id=pk, name=name, parent_id=parent_id, kind=kind, lead_id=None)
        for pk, name, parent_id, kind in Team.objects.order_by("pk").values_list(
            "id", "name", "parent_id", "kind"
        )
    ]
    org = Org(name="", people=[], teams=teams)
    return {pk: TEAM_SEPARATOR.join(path) for pk, path in org.team_paths().items()}


def person_names() -> dict[int, str]:
    """Every person's stable name across installations: their email (lower case), or their
    username when they have none."""
    return {
        pk: (email or "").strip().lower() or username
        for pk, email, username in Person.objects.order_by().values_list("id", "email", "username")
    }


def _iso(value: Any) -> str:
    """An instant as ISO 8601 with its offset, from a driver's value: an aware datetime
    (PostgreSQL), a naive one in UTC (SQLite) or the text SQLite keeps."""
    if isinstance(value, str):
        text = value.replace(" ", "T", 1)
        return text if text.endswith(("Z", "+00:00")) else f"{text}+00:00"
    text = str(value.isoformat())
    return text if value.tzinfo is not None else f"{text}+00:00"


def _when(value: Any) -> str | None:
    return None if value is None else _iso(value)


def _raw(qs: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query straight from the database driver, in batches,
    without Django's conversion of each value (the export converts what it writes)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(5000)
            if not batch:
                return
            yield from batch


# -- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What an export holds: ``cycle`` (with its quarters when it is a year) or everything;
    ``viewer`` None or HR: every objective; anyone else: what they may see."""

    cycle: Cycle | None = None
    viewer: Person | None = None

    @property
    def everything(self) -> bool:
        return self.viewer is None or GoalViewer.of(self.viewer).is_hr

    def cycle_ids(self) -> list[int] | None:
        if self.cycle is None:
            return None
        ids = [self.cycle.pk]
        ids += list(Cycle.objects.filter(parent=self.cycle).values_list("pk", flat=True))
        return ids

    def under(self, qs: QuerySet[Any], prefix: str, cycle_ids: list[int] | None) -> QuerySet[Any]:
        """``qs`` narrowed to rows whose objective (reached by ``prefix``) is in scope."""
        if cycle_ids is not None:
            qs = qs.filter(**{f"{prefix}cycle_id__in": cycle_ids})
        if not self.everything:
            assert self.viewer is not None
            qs = qs.filter(GoalViewer.of(self.viewer).objective_filter(prefix))
        return qs


# -- the export -----------------------------------------------------------------------------


Row = dict[str, Any]


def _cycles(scope: Scope, cycle_ids: list[int] | None) -> Iterator[Row]:
    qs = Cycle.objects.order_by("start_date", "-end_date", "pk")
    if cycle_ids is not None:
        assert scope.cycle is not None
        wanted = set(cycle_ids)
        if scope.cycle.parent_id:
            wanted.add(scope.cycle.parent_id)
        qs = qs.filter(pk__in=wanted)
    for pk, name, kind, start, end, parent, state, cadence in qs.values_list(
        "id", "name", "kind", "start_date", "end_date", "parent_id", "state", "check_in_cadence"
    ):
        yield {
            "id": f"cycle-{pk}",
            "name": name,
            "kind": kind,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "parent": None if parent is None else f"cycle-{parent}",
            "state": state,
            "check_in_cadence": cadence,
        }


class _Export:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.cycle_ids = scope.cycle_ids()
        self.people = person_names()
        self.teams = team_paths()
        self.rationale: dict[int, str] = {}

    def under(self, qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
        return self.scope.under(qs.order_by(), prefix, self.cycle_ids)

    def objectives(self) -> Iterator[Row]:
        people, teams = self.people, self.teams
        qs = self.under(Objective.objects.all(), "").order_by("pk")
        for (
            pk,
            cycle,
            title,
            description,
            level,
            owner_person,
            owner_team,
            visibility,
            state,
            commitment,
            mode,
            development,
            rationale,
            computed,
            adjusted,
            grade_reason,
            created_at,
            created_by,
            progress,
        ) in _raw(
            qs.values_list(
                "id",
                "cycle_id",
                "title",
                "description",
                "level",
                "owner_person_id",
                "owner_team_id",
                "visibility",
                "state",
                "commitment",
                "progress_mode",
                "is_development",
                "rationale",
                "computed_grade",
                "adjusted_grade",
                "grade_reason",
                "created_at",
                "created_by_id",
                "progress",
            )
        ):
            if rationale:
                self.rationale[pk] = rationale
            yield {
                "id": f"objective-{pk}",
                "cycle": f"cycle-{cycle}",
                "title": title,
                "description": description,
                "level": level,
                "owner": (
                    {"person": people[owner_person]}
                    if owner_person is not None
                    else {"team": teams[owner_team]}
                ),
                "visibility": visibility,
                "state": state,
                "commitment": commitment,
                "progress_mode": mode,
                "is_development": bool(development),
                "rationale": rationale,
                "computed_grade": computed,
                "adjusted_grade": adjusted,
                "grade_reason": grade_reason,
                "created_at": _iso(created_at),
                "created_by": people.get(created_by) if created_by is not None else None,
                "progress": progress,
            }

    def key_results(self) -> Iterator[Row]:
        people = self.people
        qs = self.under(KeyResult.objects.all(), "objective__").order_by("pk")
        for (
            pk,
            objective,
            cycle,
            objective_cycle,
            title,
            kind,
            unit,
            start,
            target,
            signal,
            weight,
            owner,
            source,
            state,
            position,
            computed,
            adjusted,
            grade_reason,
            created_at,
            progress,
            current,
            done,
            confidence,
        ) in _raw(
            qs.values_list(
                "id",
                "objective_id",
                "cycle_id",
                "objective__cycle_id",
                "title",
                "kind",
                "unit",
                "start_value",
                "target_value",
                "signal",
                "weight",
                "owner_id",
                "source",
                "state",
                "position",
                "computed_grade",
                "adjusted_grade",
                "grade_reason",
                "created_at",
                "progress",
                "current_value",
                "done",
                "confidence",
            )
        ):
            yield {
                "id": f"key-result-{pk}",
                "objective": f"objective-{objective}",
                "cycle": None if cycle == objective_cycle else f"cycle-{cycle}",
                "title": title,
                "kind": kind,
                "unit": unit,
                "start_value": start,
                "target_value": target,
                "signal": signal,
                "weight": weight,
                "owner": people[owner],
                "source": source,
                "state": state,
                "position": position,
                "computed_grade": computed,
                "adjusted_grade": adjusted,
                "grade_reason": grade_reason,
                "created_at": _iso(created_at),
                "progress": progress,
                "current_value": current,
                "done": bool(done),
                "confidence": confidence,
            }

    def alignment_links(self) -> Iterator[Row]:
        people = self.people
        qs = AlignmentLink.objects.all()
        if not self.scope.everything:
            assert self.scope.viewer is not None
            qs = AlignmentLink.objects.visible_to(self.scope.viewer)
        if self.cycle_ids is not None:
            qs = qs.filter(child__cycle_id__in=self.cycle_ids)
        for (
            pk,
            child,
            parent_objective,
            parent_kr,
            kind,
            weight,
            state,
            created_at,
            created_by,
            decided_at,
            ended_at,
            end_reason,
        ) in _raw(
            qs.order_by("pk").values_list(
                "id",
                "child_id",
                "parent_objective_id",
                "parent_key_result_id",
                "kind",
                "weight",
                "state",
                "created_at",
                "created_by_id",
                "decided_at",
                "ended_at",
                "end_reason",
            )
        ):
            yield {
                "id": f"link-{pk}",
                "child": f"objective-{child}",
                "parent_objective": ref("objectives", parent_objective),
                "parent_key_result": ref("key_results", parent_kr),
                "kind": kind,
                "weight": weight,
                "state": state,
                "rationale": self.rationale.get(child, ""),
                "created_at": _iso(created_at),
                "created_by": people.get(created_by) if created_by is not None else None,
                "decided_at": _when(decided_at),
                "ended_at": _when(ended_at),
                "end_reason": end_reason,
            }

    def initiatives(self) -> Iterator[Row]:
        people = self.people
        qs = self.under(Initiative.objects.all(), "key_result__objective__").order_by("pk")
        for pk, kr, title, owner, state, link, created_at in _raw(
            qs.values_list(
                "id", "key_result_id", "title", "owner_id", "state", "link", "created_at"
            )
        ):
            yield {
                "id": f"initiative-{pk}",
                "key_result": f"key-result-{kr}",
                "title": title,
                "owner": people[owner],
                "state": state,
                "link": link,
                "created_at": _iso(created_at),
            }

    def check_ins(self) -> Iterator[Row]:
        people = self.people
        qs = self.under(CheckIn.objects.all(), "key_result__objective__").order_by("pk")
        for pk, kr, value, done, confidence, note, author, at, amendment in _raw(
            qs.values_list(
                "id",
                "key_result_id",
                "value",
                "done",
                "confidence",
                "note",
                "author_id",
                "recorded_at",
                "amendment_reason",
            )
        ):
            yield {
                "id": f"check-in-{pk}",
                "key_result": f"key-result-{kr}",
                "value": value,
                "done": None if done is None else bool(done),
                "confidence": confidence,
                "note": note,
                "author": people[author],
                "recorded_at": _iso(at),
                "amendment_reason": amendment,
            }

    def check_ins_json(self) -> Iterator[str]:
        """The check-ins, each already written as its JSON object: the same text the encoder
        writes for ``check_ins``' dicts, without building a million of them."""
        string = _encode_string
        people = {pk: string(name) for pk, name in self.people.items()}
        qs = self.under(CheckIn.objects.all(), "key_result__objective__").order_by("pk")
        for pk, kr, value, done, confidence, note, author, at, amendment in _raw(
            qs.values_list(
                "id",
                "key_result_id",
                "value",
                "done",
                "confidence",
                "note",
                "author_id",
                "recorded_at",
                "amendment_reason",
            )
        ):
            yield (
                f'{{"id":"check-in-{pk}","key_result":"key-result-{kr}",'
                f'"value":{_number(value)},"done":{_BOOL[done]},'
                f'"confidence":{string(confidence)},"note":{string(note)},'
                f'"author":{people[author]},"recorded_at":"{_iso(at)}",'
                f'"amendment_reason":{string(amendment)}}}'
            )

    def objective_revisions(self) -> Iterator[Row]:
        people = self.people
        qs = self.under(ObjectiveRevision.objects.all(), "objective__").order_by("pk")
        for row in _raw(
            qs.values_list(
                "id",
                "objective_id",
                "number",
                "title",
                "description",
                "state",
                "commitment",
                "visibility",
                "progress_mode",
                "rationale",
                "reason",
                "author_id",
                "valid_from",
            )
        ):
            pk, objective, number, title, description, state, commitment = row[:7]
            visibility, mode, rationale, reason, author, valid_from = row[7:]
            yield {
                "id": f"objective-revision-{pk}",
                "objective": f"objective-{objective}",
                "number": number,
                "title": title,
                "description": description,
                "state": state,
                "commitment": commitment,
                "visibility": visibility,
                "progress_mode": mode,
                "rationale": rationale,
                "reason": reason,
                "author": people.get(author) if author is not None else None,
                "valid_from": _iso(valid_from),
            }

    def key_result_revisions(self) -> Iterator[Row]:
        people = self.people
        qs = self.under(KeyResultRevision.objects.all(), "key_result__objective__").order_by("pk")
        for row in _raw(
            qs.values_list(
                "id",
                "key_result_id",
                "number",
                "title",
                "kind",
                "unit",
                "start_value",
                "target_value",
                "signal",
                "weight",
                "source",
                "state",
                "owner_id",
                "reason",
                "author_id",
                "valid_from",
            )
        ):
            pk, kr, number, title, kind, unit, start, target = row[:8]
            signal, weight, source, state, owner, reason, author, valid_from = row[8:]
            yield {
                "id": f"key-result-revision-{pk}",
                "key_result": f"key-result-{kr}",
                "number": number,
                "title": title,
                "kind": kind,
                "unit": unit,
                "start_value": start,
                "target_value": target,
                "signal": signal,
                "weight": weight,
                "source": source,
                "state": state,
                "owner": people[owner],
                "reason": reason,
                "author": people.get(author) if author is not None else None,
                "valid_from": _iso(valid_from),
            }

    def sections(self) -> Iterator[tuple[str, Iterable[Row]]]:
        yield "cycles", _cycles(self.scope, self.cycle_ids)
        readers: dict[str, Callable[[], Iterator[Row]]] = {
            "objectives": self.objectives,
            "key_results": self.key_results,
            "alignment_links": self.alignment_links,
            "initiatives": self.initiatives,
            "check_ins": self.check_ins,
            "objective_revisions": self.objective_revisions,
            "key_result_revisions": self.key_result_revisions,
        }
        for name, read in readers.items():
            yield name, read()


def header(scope: Scope) -> Row:
    viewer = scope.viewer
    return {
        "format": FORMAT,
        "version": VERSION,
        "source": install_id(),
        "exported_at": timezone.now().isoformat(),
        "scope": {
            "cycle": scope.cycle.name if scope.cycle is not None else None,
            "view": "everything" if scope.everything else "person",
            "person": None if viewer is None else person_names().get(viewer.pk),
        },
    }


# What the encoder writes a string with (its C version when there is one).
_encode_string = json.encoder.encode_basestring
_BOOL = {None: "null", True: "true", False: "false"}  # 1 and 0 are True and False


def _number(value: Any) -> str:
    """A number as the JSON encoder writes it."""
    if value is None:
        return "null"
    if isinstance(value, float):
        return float.__repr__(value)
    return str(value)


def stream(scope: Scope) -> Iterator[bytes]:
    """The export as JSON, in pieces: the header, then each section one entity a line."""
    head = json.dumps(header(scope), ensure_ascii=False)
    yield (head[:-1] + ",\n").encode("utf-8")
    export = _Export(scope)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for index, (name, rows) in enumerate(export.sections()):
        parts: list[str] = [f'"{name}":[']
        first = True
        texts: Iterable[str] = (
            export.check_ins_json() if name == "check_ins" else (dumps(row) for row in rows)
        )
        for text in texts:
            parts.append(("\n" if first else ",\n") + text)
            first = False
            if len(parts) >= 2000:
                yield "".join(parts).encode("utf-8")
                parts = []
        parts.append("\n]" + (",\n" if index < len(SECTIONS) - 1 else "\n}\n"))
        yield "".join(parts).encode("utf-8")


def export_bytes(scope: Scope) -> bytes:
    return b"".join(stream(scope))


def export_document(scope: Scope) -> dict[str, Any]:
    """The export as a dict (tests, the spreadsheet export)."""
    document = header(scope)
    for name, rows in _Export(scope).sections():
        document[name] = list(rows)
    return document
