"""The flat spreadsheet of objectives, key results and check-ins (CSV or XLSX).

Two sheets, as people keep them: "Key results", one row per key result with its objective's
columns (an objective without key results: a row with the key-result columns blank), and
"Check-ins", one row per reading. An XLSX workbook holds both sheets; a CSV file holds one,
told apart by its header. Reading turns the rows into the JSON format's structure, so the
same plan and the same checks apply; every problem names its sheet, row and column.

Ids are optional: a row without ``objective_id`` stands for the objective of that cycle,
owner and title; without ``key_result_id``, for that objective's key result of that title.
Cycles, people and teams must already exist (cycles by name, people by email, teams by path).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import Any

from lineofsight.goals.exchange import graph
from lineofsight.goals.exchange.reading import Document, FileProblems, Problem

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ("key-results", "check-ins")
TITLES = {"key-results": "Key results", "check-ins": "Check-ins"}
KR_COLUMNS = (
    "cycle",
    "objective_id",
    "objective",
    "description",
    "level",
    "owner_email",
    "owner_team",
    "visibility",
    "state",
    "commitment",
    "aligned_to",
    "alignment_kind",
    "alignment_weight",
    "rationale",
    "key_result_id",
    "key_result",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "signal",
    "weight",
    "key_result_owner_email",
    "current_value",
    "progress",
)
CHECK_IN_COLUMNS = (
    "key_result_id",
    "objective",
    "key_result",
    "recorded_at",
    "value",
    "done",
    "confidence",
    "note",
    "author_email",
)
SOURCE = "spreadsheet"  # ids like objective-12 name this installation's rows
READ_ONLY = {"current_value", "progress"}
MAX_ROWS = 200_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES = {"yes", "y", "true", "1", "done"}
NO = {"no", "n", "false", "0", "not done"}
# Where a field of the JSON structure sits in the sheet.
COLUMN_OF: dict[str, dict[str, str]] = {
    "objectives": {
        "id": "objective_id",
        "title": "objective",
        "owner": "owner_email",
        "cycle": "cycle",
    },
    "key_results": {
        "id": "key_result_id",
        "title": "key_result",
        "owner": "key_result_owner_email",
        "objective": "objective_id",
    },
    "alignment_links": {
        "child": "objective_id",
        "parent_objective": "aligned_to",
        "parent_key_result": "aligned_to",
        "kind": "alignment_kind",
        "weight": "alignment_weight",
    },
    "check_ins": {"key_result": "key_result_id", "author": "author_email", "id": "recorded_at"},
}


def _guard(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _unguard(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- reading -----------------------------------------------------------------------------------


Lines = list[tuple[int, list[str]]]


def _csv_lines(data: bytes) -> Lines:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = "The file is neither UTF-8 text (CSV or JSON) nor an Excel workbook (XLSX)."
        raise FileProblems([Problem("", message)]) from None
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(enumerate(reader, start=1))
    except csv.Error as exc:
        message = f"Row {reader.line_num}: the CSV is malformed ({exc})."
        raise FileProblems([Problem("", message)]) from None


def read_csv(data: bytes) -> Document:
    lines = _csv_lines(data)
    header = next((cells for _, cells in lines if any(c.strip() for c in cells)), [])
    names = {c.strip().lower().replace(" ", "_") for c in header}
    sheet = "check-ins" if "recorded_at" in names and "kind" not in names else "key-results"
    return _Reader({sheet: lines}, kind="csv").document()


def read_xlsx(data: bytes) -> Document:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign file: openpyxl raises many kinds
        message = "The file is not an Excel workbook (XLSX) that can be read."
        raise FileProblems([Problem("", message)]) from None
    sheets: dict[str, Lines] = {}
    try:
        for index, ws in enumerate(book.worksheets):
            title = (ws.title or "").strip().lower().replace(" ", "-")
            sheet = title if title in SHEETS else ("key-results" if index == 0 else "")
            if not sheet or sheet in sheets:
                continue
            sheets[sheet] = [
                (n, [_cell(v) for v in values])
                for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
    finally:
        book.close()
    return _Reader(sheets, kind="xlsx").document()


class _Reader:
    def __init__(self, sheets: dict[str, Lines], *, kind: str) -> None:
        self.sheets = sheets
        self.kind = kind
        self.problems: list[Problem] = []
        self.places: dict[tuple[str, int], tuple[str, int]] = {}  # (section, index) -> row
        # Where a field of one entity came from, when not from its usual column.
        self.columns: dict[tuple[str, int], dict[str, str]] = {}
        self.data: dict[str, Any] = {
            "format": graph.FORMAT,
            "version": graph.VERSION,
            "source": SOURCE,
        }
        for section in graph.SECTIONS:
            self.data[section] = []

    def where(self, sheet: str, row: int, column: str) -> str:
        if self.kind == "csv":
            return f"Row {row}, {column}" if column else f"Row {row}"
        name = TITLES[sheet]
        return f"{name} row {row}, {column}" if column else f"{name} row {row}"

    def bad(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.where(sheet, row, column), message))

    def locate(self, section: str, index: int, name: str = "") -> str:
        sheet, row = self.places.get((section, index), ("key-results", 0))
        column = self.columns.get((section, index), {}).get(name)
        column = column or COLUMN_OF.get(section, {}).get(name, name)
        return self.where(sheet, row, column)

    def add(self, section: str, sheet: str, row: int, item: dict[str, Any]) -> None:
        self.places[(section, len(self.data[section]))] = (sheet, row)
        self.data[section].append(item)

    def rows(self, sheet: str, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
        lines = [(n, cells) for n, cells in self.sheets[sheet] if any(c.strip() for c in cells)]
        if not lines:
            return []
        (header_row, header), body = lines[0], lines[1:]
        names = [c.strip().lower().replace(" ", "_") for c in header]
        positions: dict[str, int] = {}
        for i, name in enumerate(names):
            if not name:
                continue
            if name not in columns:
                self.bad(
                    sheet,
                    header_row,
                    name,
                    f"unknown column; the columns are {', '.join(columns)}.",
                )
            elif name in positions:
                self.bad(sheet, header_row, name, "the column appears twice.")
            else:
                positions[name] = i
        if len(body) > MAX_ROWS:
            self.bad(sheet, 0, "", f"more than {MAX_ROWS:,} rows; split the file.")
            return []
        return [
            (
                n,
                {
                    name: _unguard(cells[i].strip() if i < len(cells) else "")
                    for name, i in positions.items()
                    if name not in READ_ONLY
                },
            )
            for n, cells in body
        ]

    def number(self, sheet: str, row: int, column: str, raw: str) -> float | None:
        if not raw:
            return None
        text = raw.replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            self.bad(sheet, row, column, f"{raw!r} is not a number.")
            return None
        if not math.isfinite(value):
            self.bad(sheet, row, column, f"{raw!r} is not a finite number.")
            return None
        return value

    def required(self, sheet: str, row: int, values: dict[str, str], column: str) -> str:
        value = values.get(column, "")
        if not value:
            self.bad(sheet, row, column, "this column is required.")
        return value

    def document(self) -> Document:
        kr_ids: dict[tuple[str, str], str] = {}  # (objective title lower, kr title lower) -> id
        if "key-results" in self.sheets:
            kr_ids = self.key_results()
        if "check-ins" in self.sheets:
            self.check_ins(kr_ids)
        if self.problems:
            raise FileProblems(self.problems)
        count = sum(len(self.data[s]) for s in graph.SECTIONS)
        if not count:
            raise FileProblems([Problem("", "The file has a header but no rows.")])
        return Document(data=self.data, kind=self.kind, locate=self.locate, rows=count)

    def key_results(self) -> dict[tuple[str, str], str]:
        sheet = "key-results"
        objectives: dict[str, dict[str, Any]] = {}
        titles: dict[str, str] = {}  # objective title (lower) -> id
        kr_ids: dict[tuple[str, str], str] = {}
        parents: list[tuple[int, str, dict[str, str]]] = []
        for n, v in self.rows(sheet, KR_COLUMNS):
            before = len(self.problems)
            cycle = self.required(sheet, n, v, "cycle")
            title = self.required(sheet, n, v, "objective")
            if not v.get("owner_email") and not v.get("owner_team"):
                self.bad(sheet, n, "owner_email", "give the owner's email or owner_team.")
            if v.get("owner_email") and v.get("owner_team"):
                self.bad(sheet, n, "owner_team", "give owner_email or owner_team, not both.")
            if len(self.problems) > before:
                continue
            owner = v.get("owner_email") or v.get("owner_team", "")
            oid = v.get("objective_id") or f"sheet:{cycle}/{owner}/{title}".lower()
            if oid not in objectives:
                item: dict[str, Any] = {
                    "id": oid,
                    "cycle": f"name:{cycle}",
                    "title": title,
                    "level": v.get("level") or ("team" if v.get("owner_team") else "individual"),
                    "owner": {"person": v["owner_email"]}
                    if v.get("owner_email")
                    else {"team": v["owner_team"]},
                }
                for column in ("description", "visibility", "state", "commitment"):
                    if v.get(column):
                        item[column] = v[column]
                if v.get("rationale"):
                    item["rationale"] = v["rationale"]
                for column, allowed in (
                    ("level", ("company", "team", "individual")),
                    ("visibility", ("public", "team", "private")),
                    ("state", ("draft", "active", "closed", "abandoned")),
                    ("commitment", ("committed", "aspirational")),
                ):
                    if column in item and item[column] not in allowed:
                        self.bad(
                            sheet,
                            n,
                            column,
                            f"{item[column]!r} is not one of {', '.join(allowed)}.",
                        )
                objectives[oid] = item
                titles.setdefault(title.lower(), oid)
                self.add("objectives", sheet, n, item)
                if v.get("aligned_to"):
                    parents.append((n, oid, v))
            if not v.get("key_result") and not v.get("key_result_id"):
                continue
            kr_title = self.required(sheet, n, v, "key_result")
            kind = self.required(sheet, n, v, "kind")
            kr_owner = v.get("key_result_owner_email") or v.get("owner_email", "")
            if not kr_owner:
                self.bad(sheet, n, "key_result_owner_email", "give the key result's owner.")
            kinds = ("increase", "decrease", "stay_above", "stay_below", "milestone")
            if kind and kind not in kinds:
                self.bad(sheet, n, "kind", f"{kind!r} is not one of {', '.join(kinds)}.")
            kr: dict[str, Any] = {
                "id": v.get("key_result_id") or f"{oid}/{kr_title}".lower(),
                "objective": oid,
                "title": kr_title,
                "kind": kind,
                "owner": kr_owner,
                "unit": v.get("unit", ""),
                "start_value": self.number(sheet, n, "start_value", v.get("start_value", "")),
                "target_value": self.number(sheet, n, "target_value", v.get("target_value", "")),
            }
            if v.get("signal"):
                if v["signal"] not in ("leading", "lagging"):
                    self.bad(sheet, n, "signal", f"{v['signal']!r} is not leading or lagging.")
                kr["signal"] = v["signal"]
            weight = self.number(sheet, n, "weight", v.get("weight", ""))
            if weight is not None:
                if weight <= 0:
                    self.bad(sheet, n, "weight", "a weight is a number above 0.")
                kr["weight"] = weight
            if len(self.problems) > before:
                continue
            kr_ids.setdefault((title.lower(), kr_title.lower()), kr["id"])
            if not v.get("key_result_owner_email"):
                self.columns[("key_results", len(self.data["key_results"]))] = {
                    "owner": "owner_email"
                }
            self.add("key_results", sheet, n, kr)
        for n, oid, v in parents:
            parent = v["aligned_to"]
            parent = titles.get(parent.lower(), parent) if parent not in objectives else parent
            link: dict[str, Any] = {"id": f"{oid}->{parent}".lower(), "child": oid}
            if parent.startswith("key-result-") or any(
                parent == kr_id for kr_id in kr_ids.values()
            ):
                link["parent_key_result"] = parent
            else:
                link["parent_objective"] = parent
            if v.get("alignment_kind"):
                if v["alignment_kind"] not in ("contributes", "supports"):
                    self.bad(sheet, n, "alignment_kind", "use contributes or supports.")
                link["kind"] = v["alignment_kind"]
            weight = self.number(sheet, n, "alignment_weight", v.get("alignment_weight", ""))
            if weight is not None:
                if weight <= 0:
                    self.bad(sheet, n, "alignment_weight", "a weight is a number above 0.")
                link["weight"] = weight
            if v.get("rationale"):
                link["rationale"] = v["rationale"]
            self.add("alignment_links", sheet, n, link)
        return kr_ids

    def check_ins(self, kr_ids: dict[tuple[str, str], str]) -> None:
        sheet = "check-ins"
        for n, v in self.rows(sheet, CHECK_IN_COLUMNS):
            before = len(self.problems)
            kr = v.get("key_result_id", "")
            if not kr:
                key = (v.get("objective", "").lower(), v.get("key_result", "").lower())
                kr = kr_ids.get(key, "")
                if not kr:
                    self.bad(
                        sheet,
                        n,
                        "key_result_id",
                        "give the key result's id, or its objective and key_result as in the "
                        "key results sheet.",
                    )
            at = self.required(sheet, n, v, "recorded_at")
            when = None
            if at:
                try:
                    when = dt.datetime.fromisoformat(at)
                except ValueError:
                    self.bad(sheet, n, "recorded_at", f"{at!r} is not a date and time.")
                else:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=dt.UTC)
            confidence = v.get("confidence") or "on_track"
            allowed = ("on_track", "at_risk", "off_track")
            if confidence not in allowed:
                self.bad(
                    sheet, n, "confidence", f"{confidence!r} is not one of {', '.join(allowed)}."
                )
            done = None
            raw_done = v.get("done", "").lower()
            if raw_done in YES:
                done = True
            elif raw_done in NO:
                done = False
            elif raw_done:
                self.bad(sheet, n, "done", f"{v['done']!r} is not yes or no.")
            value = self.number(sheet, n, "value", v.get("value", ""))
            author = self.required(sheet, n, v, "author_email")
            if len(self.problems) > before or when is None:
                continue
            self.add(
                "check_ins",
                sheet,
                n,
                {
                    "id": f"{kr}@{when.isoformat()}".lower(),
                    "key_result": kr,
                    "value": value,
                    "done": done,
                    "confidence": confidence,
                    "note": v.get("note", ""),
                    "author": author,
                    "recorded_at": when.isoformat(),
                },
            )


# -- writing -----------------------------------------------------------------------------------


def rows_of(document: dict[str, Any], sheet: str) -> list[list[str]]:
    """An export's content as the rows of one sheet (without the header)."""
    cycles = {c["id"]: c["name"] for c in document["cycles"]}
    objectives = {o["id"]: o for o in document["objectives"]}
    krs = {k["id"]: k for k in document["key_results"]}
    if sheet == "check-ins":
        rows = []
        for c in document["check_ins"]:
            kr = krs.get(c["key_result"])
            rows.append(
                [
                    c["key_result"],
                    objectives[kr["objective"]]["title"] if kr else "",
                    kr["title"] if kr else "",
                    c["recorded_at"],
                    _cell(c["value"]),
                    _cell(c["done"]),
                    c["confidence"],
                    c["note"],
                    c["author"],
                ]
            )
        return rows
    parent_of: dict[str, dict[str, Any]] = {}
    for link in document["alignment_links"]:
        if link["ended_at"] is None and link["state"] != "declined":
            parent_of.setdefault(link["child"], link)
    by_objective: dict[str, list[dict[str, Any]]] = {}
    for kr in document["key_results"]:
        by_objective.setdefault(kr["objective"], []).append(kr)
    rows = []
    for o in document["objectives"]:
        link = parent_of.get(o["id"])
        head = [
            cycles.get(o["cycle"], o["cycle"]),
            o["id"],
            o["title"],
            o["description"],
            o["level"],
            o["owner"].get("person", ""),
            o["owner"].get("team", ""),
            o["visibility"],
            o["state"],
            o["commitment"],
            (link["parent_objective"] or link["parent_key_result"]) if link else "",
            link["kind"] if link else "",
            _cell(link["weight"]) if link else "",
            o["rationale"],
        ]
        for kr in sorted(by_objective.get(o["id"], []), key=lambda k: (k["position"], k["id"])):
            rows.append(
                [
                    *head,
                    kr["id"],
                    kr["title"],
                    kr["kind"],
                    kr["unit"],
                    _cell(kr["start_value"]),
                    _cell(kr["target_value"]),
                    kr["signal"],
                    _cell(kr["weight"]),
                    kr["owner"],
                    _cell(kr["current_value"]),
                    f"{round(kr['progress'] * 100)}%",
                ]
            )
        if o["id"] not in by_objective:
            rows.append([*head, *([""] * 11)])
    return rows


def _columns(sheet: str) -> tuple[str, ...]:
    return CHECK_IN_COLUMNS if sheet == "check-ins" else KR_COLUMNS


def _csv(sheet: str, rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(_columns(sheet))
    writer.writerows([_guard(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _xlsx(sheets: dict[str, list[list[str]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet, rows in sheets.items():
        ws = book.create_sheet(TITLES[sheet])
        ws.append(list(_columns(sheet)))
        for row in rows:
            ws.append([_guard(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(document: dict[str, Any], sheet: str) -> bytes:
    return _csv(sheet, rows_of(document, sheet))


def to_xlsx(document: dict[str, Any]) -> bytes:
    return _xlsx({sheet: rows_of(document, sheet) for sheet in SHEETS})


TEMPLATE = {
    "key-results": [
        [
            "Q1 2027",
            "",
            "Grow enterprise pipeline",
            "Enough qualified pipeline for 40 new logos",
            "individual",
            "ada@example.com",
            "",
            "public",
            "active",
            "aspirational",
            "",
            "",
            "",
            "",
            "",
            "Qualify 25 enterprise opportunities",
            "increase",
            "opportunities",
            "0",
            "25",
            "leading",
            "1",
            "ada@example.com",
            "",
            "",
        ]
    ],
    "check-ins": [
        [
            "",
            "Grow enterprise pipeline",
            "Qualify 25 enterprise opportunities",
            "2027-01-15T16:00:00+00:00",
            "6",
            "",
            "on_track",
            "Six qualified from the outbound campaign.",
            "ada@example.com",
        ]
    ],
}


def template_csv(sheet: str) -> bytes:
    return _csv(sheet, TEMPLATE[sheet])


def template_xlsx() -> bytes:
    return _xlsx(TEMPLATE)
