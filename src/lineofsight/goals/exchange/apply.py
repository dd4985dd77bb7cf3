"""Importing an OKR graph (HR): the dry-run, and applying its plan in bulk, all or nothing.

Applying reads the file and the organisation again and plans again inside one transaction;
a plan different from the dry-run's (its ``digest``) is refused (``StalePlan``). Rows are
written in bulk, a section at a time; every entity created gets a mapping row (source, id ->
local row) so a re-import of the same file updates instead of adding. A changed objective or
key result gets a new revision, as editing it would; check-ins are appended as history. The
stored roll-ups are recomputed from the history afterwards (``rollup.rebuild``), so
``lineofsight rollup --verify`` finds nothing to report. One audit row tells what the import
did (its counts), not one per row.

Exports (``export``) follow the one access policy: HR and the command line export
everything, anyone else what they may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.goals import rollup
from lineofsight.goals.exchange import graph, reading, spreadsheet
from lineofsight.goals.exchange.plan import (
    KEY_RESULT_REVISED,
    OBJECTIVE_REVISED,
    Op,
    Plan,
    Ref,
    make_plan,
)
from lineofsight.goals.exchange.reading import Document, FileProblems, Problem
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    ExchangeMapping,
    Initiative,
    KeyResult,
    KeyResultRevision,
    Objective,
    ObjectiveRevision,
)
from lineofsight.goals.signals import okr_graph_imported
from lineofsight.people.models import Organisation, Person

FORMATS = {
    "json": graph.CONTENT_TYPE,
    "csv": spreadsheet.CSV_TYPE,
    "xlsx": spreadsheet.XLSX_TYPE,
}
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefused(InvalidInput):
    """The file has problems; nothing was changed. ``plan.problems`` names each place."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        errors: dict[str, list[str]] = {}
        for problem in plan.problems:
            errors.setdefault(problem.where or "__all__", []).append(problem.message)
        super().__init__(errors)


class StalePlan(Conflict):
    """The OKRs changed since the dry-run: the plan is no longer the one shown."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__(
            {
                "__all__": "The OKRs changed since the dry-run, so the plan changed too; "
                "nothing was applied. Review the new plan and apply it again."
            }
        )


def require_hr(acting_user: Person | None) -> None:
    if acting_user is not None and not acting_user.is_hr_admin:
        raise NotAllowed("Only HR admins can import OKRs.")


def read(data: bytes, filename: str = "") -> Document:
    """Read a JSON, CSV or XLSX file (told apart by its first bytes and its name)."""
    if not data.strip():
        raise FileProblems([Problem("", "The file is empty.")])
    name = filename.lower()
    if data.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        return spreadsheet.read_xlsx(data)
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"[") or name.endswith(".json"):
        return reading.read_json(data)
    return spreadsheet.read_csv(data)


def make(data: bytes, filename: str = "") -> Plan:
    try:
        document = read(data, filename)
    except FileProblems as exc:
        return Plan(problems=list(exc.problems))
    return make_plan(document)


def dry_run(*, acting_user: Person | None, data: bytes, filename: str = "") -> Plan:
    """What importing the file would create and change (or its problems); changes nothing."""
    require_hr(acting_user)
    return make(data, filename)


@transaction.atomic
def apply_import(
    *,
    acting_user: Person | None,
    data: bytes,
    filename: str = "",
    expected_digest: str | None = None,
) -> Plan:
    """Import the file, all or nothing (``ImportRefused`` with its problems)."""
    require_hr(acting_user)
    # One import at a time: the organisation row is the lock.
    Organisation.objects.select_for_update().filter(pk=Organisation.current().pk).first()
    plan = make(data, filename)
    if plan.problems:
        raise ImportRefused(plan)
    if expected_digest and expected_digest != plan.digest:
        raise StalePlan(plan)
    _Writer(plan).write()
    counts = plan.counts()
    audit.record(
        actor=acting_user,
        action="okr_graph.import",
        data={
            "source": plan.source,
            "file": plan.kind,
            "filename": filename[:200],
            "created": {k: v["create"] for k, v in counts.items() if v["create"]},
            "changed": {k: v["change"] for k, v in counts.items() if v["change"]},
            "unchanged": plan.unchanged,
        },
    )
    return plan


class _Writer:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.now = timezone.now()
        self.new: dict[str, dict[str, int]] = {section: {} for section in graph.SECTIONS}
        self.mappings: list[ExchangeMapping] = []
        self.remapped: list[tuple[str, str, int]] = []

    def pk(self, ref: Ref | None) -> int | None:
        if ref is None or isinstance(ref, int):
            return ref
        section, sid = ref
        return self.new[section][sid]

    def need(self, ref: Ref | None) -> int:
        """The row of a reference the plan resolved (never missing once planned)."""
        pk = self.pk(ref)
        assert pk is not None
        return pk

    def ops(self, section: str) -> list[Op]:
        return list(self.plan.ops.get(section, ()))

    def created(self, section: str, ops: list[Op], rows: list[Any]) -> None:
        for op, row in zip(ops, rows, strict=True):
            self.new[section][op.sid] = row.pk
            self.mappings.append(
                ExchangeMapping(
                    source=self.plan.source, kind=section, source_id=op.sid, local_id=row.pk
                )
            )

    def write(self) -> None:
        self.cycles()
        self.objectives()
        self.key_results()
        self.links()
        self.initiatives()
        self.check_ins()
        self.mapping()
        rollup.rebuild(now=self.now)
        okr_graph_imported.send(
            sender=Objective,
            objective_ids=[*self.new["objectives"].values(), *self.changed("objectives")],
            key_result_ids=[*self.new["key_results"].values(), *self.changed("key_results")],
            initiative_ids=[*self.new["initiatives"].values(), *self.changed("initiatives")],
        )

    def changed(self, section: str) -> list[int]:
        return [op.local for op in self.ops(section) if op.local is not None and op.changes]

    def cycles(self) -> None:
        ops = self.ops("cycles")
        # Years before their quarters.
        for level in (0, 1):
            batch = [op for op in ops if (op.refs.get("parent") is not None) == bool(level)]
            rows = [Cycle(parent_id=self.pk(op.refs.get("parent")), **op.values) for op in batch]
            Cycle.objects.bulk_create(rows)
            self.created("cycles", batch, rows)

    def objectives(self) -> None:
        new = [op for op in self.ops("objectives") if op.local is None]
        rows = []
        for op in new:
            v = dict(op.values)
            rows.append(
                Objective(
                    cycle_id=self.need(op.refs["cycle"]),
                    owner_person_id=v.pop("owner_person"),
                    owner_team_id=v.pop("owner_team"),
                    created_by_id=v.pop("created_by"),
                    updated_at=self.now,
                    **v,
                )
            )
        Objective.objects.bulk_create(rows, batch_size=1000)
        self.created("objectives", new, rows)
        # Their history: the file's revisions, or a first one from the definition.
        revisions = self.ops("objective_revisions")
        with_history = {self.pk(op.refs["objective"]) for op in revisions}
        history = [
            ObjectiveRevision(
                objective_id=self.need(op.refs["objective"]),
                author_id=op.values["author"],
                **{k: v for k, v in op.values.items() if k != "author"},
            )
            for op in revisions
        ]
        for row in rows:
            if row.pk not in with_history:
                history.append(self._objective_revision(row, 1, row.created_at, ""))
        ObjectiveRevision.objects.bulk_create(history, batch_size=1000)

        changed = [op for op in self.ops("objectives") if op.local is not None and op.changes]
        if not changed:
            return
        objects = Objective.objects.in_bulk([op.local for op in changed])
        fields: set[str] = set()
        history = []
        numbers = self._numbers(ObjectiveRevision, "objective", [op.local for op in changed])
        for op in changed:
            assert op.local is not None
            objective = objects[op.local]
            for name, value in op.changes.items():
                column = f"{name}_id" if name in ("cycle", "owner_person", "owner_team") else name
                setattr(objective, column, self.pk(value) if name == "cycle" else value)
                fields.add(column)
            objective.updated_at = self.now
            fields.add("updated_at")
            if set(op.changes) & set(OBJECTIVE_REVISED):
                number = numbers.get(objective.pk, 0) + 1
                reason = f"Imported from {self.plan.source}"
                history.append(self._objective_revision(objective, number, self.now, reason))
        written = timezone.now()  # ``updated_at``, for incremental reads
        for objective in objects.values():
            objective.updated_at = written
        Objective.objects.bulk_update(
            list(objects.values()), sorted({*fields, "updated_at"}), batch_size=1000
        )
        ObjectiveRevision.objects.bulk_create(history, batch_size=1000)

    @staticmethod
    def _numbers(model: Any, fk: str, pks: list[Any]) -> dict[int, int]:
        return dict(
            model.objects.filter(**{f"{fk}_id__in": pks})
            .order_by()
            .values(f"{fk}_id")
            .annotate(n=Max("number"))
            .values_list(f"{fk}_id", "n")
        )

    @staticmethod
    def _objective_revision(
        objective: Objective, number: int, at: Any, reason: str
    ) -> ObjectiveRevision:
        return ObjectiveRevision(
            objective_id=objective.pk,
            number=number,
            author_id=objective.created_by_id if number == 1 else None,
            reason=reason,
            valid_from=at,
            **{f: getattr(objective, f) for f in OBJECTIVE_REVISED},
        )

    @staticmethod
    def _kr_revision(kr: KeyResult, number: int, at: Any, reason: str) -> KeyResultRevision:
        return KeyResultRevision(
            key_result_id=kr.pk,
            number=number,
            reason=reason,
            valid_from=at,
            **{
                f if f != "owner" else "owner_id": getattr(kr, f if f != "owner" else "owner_id")
                for f in KEY_RESULT_REVISED
            },
        )

    def key_results(self) -> None:
        new = [op for op in self.ops("key_results") if op.local is None]
        cycle_of_objective: dict[int, int] = {}
        wanted = [self.pk(op.refs["objective"]) for op in new if op.refs.get("cycle") is None]
        if wanted:
            cycle_of_objective = dict(
                Objective.objects.filter(pk__in=[w for w in wanted if w is not None])
                .order_by()
                .values_list("pk", "cycle_id")
            )
        rows = []
        for op in new:
            v = dict(op.values)
            objective_id = self.pk(op.refs["objective"])
            assert objective_id is not None
            cycle_id = self.pk(op.refs.get("cycle")) or cycle_of_objective[objective_id]
            rows.append(
                KeyResult(
                    objective_id=objective_id,
                    cycle_id=cycle_id,
                    owner_id=v.pop("owner"),
                    **v,
                )
            )
        KeyResult.objects.bulk_create(rows, batch_size=1000)
        self.created("key_results", new, rows)
        revisions = self.ops("key_result_revisions")
        with_history = {self.pk(op.refs["key_result"]) for op in revisions}
        history = [
            KeyResultRevision(
                key_result_id=self.need(op.refs["key_result"]),
                author_id=op.values["author"],
                owner_id=op.values["owner"],
                **{k: v for k, v in op.values.items() if k not in ("author", "owner")},
            )
            for op in revisions
        ]
        for row in rows:
            if row.pk not in with_history:
                history.append(self._kr_revision(row, 1, row.created_at, ""))
        KeyResultRevision.objects.bulk_create(history, batch_size=1000)

        changed = [op for op in self.ops("key_results") if op.local is not None and op.changes]
        if not changed:
            return
        objects = KeyResult.objects.in_bulk([op.local for op in changed])
        numbers = self._numbers(KeyResultRevision, "key_result", [op.local for op in changed])
        fields: set[str] = set()
        history = []
        for op in changed:
            assert op.local is not None
            kr = objects[op.local]
            for name, value in op.changes.items():
                column = f"{name}_id" if name in ("cycle", "owner") else name
                setattr(kr, column, self.pk(value) if name == "cycle" else value)
                fields.add(column)
            if set(op.changes) & set(KEY_RESULT_REVISED):
                number = numbers.get(kr.pk, 0) + 1
                reason = f"Imported from {self.plan.source}"
                history.append(self._kr_revision(kr, number, self.now, reason))
        written = timezone.now()  # ``updated_at``, for incremental reads
        for kr in objects.values():
            kr.updated_at = written
        KeyResult.objects.bulk_update(
            list(objects.values()), sorted({*fields, "updated_at"}), batch_size=1000
        )
        KeyResultRevision.objects.bulk_create(history, batch_size=1000)

    def links(self) -> None:
        ops = self.ops("alignment_links")
        kr_objective: dict[int, int] = {}
        parents = [self.pk(op.refs["parent_key_result"]) for op in ops]
        wanted = [p for p in parents if p is not None]
        if wanted:
            kr_objective = dict(
                KeyResult.objects.filter(pk__in=wanted).order_by().values_list("pk", "objective_id")
            )
        create: list[Op] = []
        ending: list[AlignmentLink] = []
        for op in ops:
            if op.local is None:
                create.append(op)
                continue
            if not op.changes:
                continue
            link = AlignmentLink.objects.get(pk=op.local)
            only_ending = set(op.changes) == {"ended"}
            link.ended_at = op.values["ended_at"] or self.now
            link.end_reason = op.values["end_reason"] or (
                "" if only_ending else f"Replaced by an import from {self.plan.source}"
            )
            ending.append(link)
            if not only_ending:
                replacement = Op(op.section, op.sid, dict(op.values), dict(op.refs))
                replacement.values["created_at"] = self.now
                replacement.values["decided_at"] = self.now
                create.append(replacement)
                self.remapped.append((op.section, op.sid, op.local))
        if ending:
            written = timezone.now()  # ``updated_at``, for incremental reads
            for link in ending:
                link.updated_at = written
            AlignmentLink.objects.bulk_update(
                ending, ["ended_at", "end_reason", "updated_at"], batch_size=1000
            )
        rows = []
        for op in create:
            v = dict(op.values)
            parent_obj = self.pk(op.refs["parent_objective"])
            parent_kr = self.pk(op.refs["parent_key_result"])
            target = parent_obj if parent_obj is not None else kr_objective.get(parent_kr)  # type: ignore[arg-type]
            if target is None and parent_kr is not None:
                target = KeyResult.objects.values_list("objective_id", flat=True).get(pk=parent_kr)
            decided_at = v.pop("decided_at")
            if decided_at is None and v["state"] != AlignmentLink.State.PENDING:
                decided_at = v["created_at"]
            rows.append(
                AlignmentLink(
                    child_id=self.need(op.refs["child"]),
                    parent_objective_id=parent_obj,
                    parent_key_result_id=parent_kr,
                    target_id=self.need(target),
                    created_by_id=v.pop("created_by"),
                    decided_at=decided_at,
                    **v,
                )
            )
        AlignmentLink.objects.bulk_create(rows, batch_size=1000)
        for op, row in zip(create, rows, strict=True):
            self.new["alignment_links"][op.sid] = row.pk
            self.mappings.append(
                ExchangeMapping(
                    source=self.plan.source,
                    kind="alignment_links",
                    source_id=op.sid,
                    local_id=row.pk,
                )
            )

    def initiatives(self) -> None:
        ops = self.ops("initiatives")
        new = [op for op in ops if op.local is None]
        rows = [
            Initiative(
                key_result_id=self.need(op.refs["key_result"]),
                owner_id=op.values["owner"],
                updated_at=self.now,
                **{k: v for k, v in op.values.items() if k != "owner"},
            )
            for op in new
        ]
        Initiative.objects.bulk_create(rows, batch_size=1000)
        self.created("initiatives", new, rows)
        changed = [op for op in ops if op.local is not None and op.changes]
        if changed:
            objects = Initiative.objects.in_bulk([op.local for op in changed])
            fields = {"updated_at"}
            for op in changed:
                assert op.local is not None
                initiative = objects[op.local]
                for name, value in op.changes.items():
                    column = "owner_id" if name == "owner" else name
                    setattr(initiative, column, value)
                    fields.add(column)
                initiative.updated_at = self.now
            Initiative.objects.bulk_update(list(objects.values()), sorted({*fields, "updated_at"}))

    def check_ins(self) -> None:
        ops = self.ops("check_ins")
        rows = [
            CheckIn(
                key_result_id=self.need(op.refs["key_result"]),
                author_id=op.values["author"],
                **{k: v for k, v in op.values.items() if k != "author"},
            )
            for op in ops
        ]
        CheckIn.objects.bulk_create(rows, batch_size=2000)
        self.created("check_ins", ops, rows)

    def mapping(self) -> None:
        keys = {(m.kind, m.source_id) for m in self.mappings}
        if keys:
            stale = ExchangeMapping.objects.filter(source=self.plan.source)
            kinds = {kind for kind, _ in keys}
            for kind in kinds:
                ids = [sid for k, sid in keys if k == kind]
                for start in range(0, len(ids), 5000):
                    stale.filter(kind=kind, source_id__in=ids[start : start + 5000]).delete()
        ExchangeMapping.objects.bulk_create(self.mappings, batch_size=2000)


# -- export ------------------------------------------------------------------------------------


def export_scope(*, acting_user: Person | None, cycle: Cycle | None = None) -> graph.Scope:
    """The scope of an export by this person: everything for HR and the command line
    (``None``), what they may see for anyone else."""
    return graph.Scope(cycle=cycle, viewer=acting_user)


def export_stream(
    *, acting_user: Person | None, cycle: Cycle | None = None, fmt: str = "json", sheet: str = ""
) -> Iterator[bytes]:
    """The export as bytes, in pieces (JSON streams; a spreadsheet comes whole)."""
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"Choose one of: {', '.join(FORMATS)}.")
    scope = export_scope(acting_user=acting_user, cycle=cycle)
    if fmt == "json":
        return graph.stream(scope)
    document = graph.export_document(scope)
    if fmt == "xlsx":
        return iter([spreadsheet.to_xlsx(document)])
    if sheet not in ("", *spreadsheet.SHEETS):
        raise InvalidInput.one("sheet", f"Choose one of: {', '.join(spreadsheet.SHEETS)}.")
    return iter([spreadsheet.to_csv(document, sheet or "key-results")])


def template(fmt: str, sheet: str = "") -> bytes:
    """A spreadsheet to start from: the header and an example."""
    if fmt == "xlsx":
        return spreadsheet.template_xlsx()
    if fmt == "csv":
        if sheet not in ("", *spreadsheet.SHEETS):
            raise InvalidInput.one("sheet", f"Choose one of: {', '.join(spreadsheet.SHEETS)}.")
        return spreadsheet.template_csv(sheet or "key-results")
    raise InvalidInput.one("format", "Choose one of: csv, xlsx.")
