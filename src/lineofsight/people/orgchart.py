"""The org-chart file: reading it (CSV or XLSX), checking every row, and writing it.

One format for both kinds of file: a header row naming the columns, then one row per person.
Every problem names its row (the header is row 1) and its column; a file with any problem
changes nothing. ``orgchart_plan`` works out what a checked file would change in the
organisation; ``orgchart_apply`` shows that plan (the dry-run) and applies it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from lineofsight.core.parsing import day_problem

COLUMNS = ("email", "name", "manager_email", "team_path", "title", "hr", "start_date", "active")
REQUIRED = ("email", "name")
TEAM_SEPARATOR = "/"
PATHS_SEPARATOR = ";"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
MAX_ROWS = 50_000
NAME_LENGTH = 200
EMAIL_LENGTH = 254
XLSX_MAGIC = b"PK\x03\x04"
# A cell a spreadsheet would read as a formula is exported with a leading apostrophe, which
# the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong with one cell (or with the header, row 1, or the whole file, row 0)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return f"Row {self.row}, {self.column}: {self.message}"


class FileProblems(Exception):
    """The file cannot be imported; nothing was changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(" ".join(str(p) for p in self.problems[:5]))


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The cells of a file as text: the header and the non-empty rows with their numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx")


def read_table(data: bytes, filename: str = "") -> Table:
    """Read a CSV or an XLSX file (told apart by their first bytes) into text cells."""
    if not data.strip():
        raise FileProblems([Problem(0, "", "The file is empty.")])
    lines = _xlsx_lines(data) if is_xlsx(data, filename) else _csv_lines(data)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            message = f"The file has more than {MAX_ROWS:,} rows; split it."
            raise FileProblems([Problem(0, "", message)])
    if header is None:
        raise FileProblems([Problem(0, "", "The file is empty.")])
    return Table(header=header, rows=rows)


def _csv_lines(data: bytes) -> Iterable[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = "The file is neither UTF-8 text (CSV) nor an Excel workbook (XLSX)."
        raise FileProblems([Problem(0, "", message)]) from None
    # The header's names hold no separators: the one it uses is the file's (Excel writes ";"
    # in some locales).
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(enumerate(reader, start=1))  # the row numbers a spreadsheet shows
    except csv.Error as exc:
        line = reader.line_num
        raise FileProblems([Problem(0, "", f"Row {line}: the CSV is malformed ({exc}).")]) from None


def _xlsx_lines(data: bytes) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign file: openpyxl raises many kinds
        message = "The file is not an Excel workbook (XLSX) that can be read."
        raise FileProblems([Problem(0, "", message)]) from None
    try:
        sheet = book.worksheets[0]
        out = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            out.append((number, [_cell_text(v) for v in values]))
        return out
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- checking rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One person as the file describes them (``None``: the cell was blank)."""

    number: int
    email: str  # lower case
    name: str
    manager_email: str = ""
    team_paths: tuple[tuple[str, ...], ...] = ()
    title: str = ""
    hr: bool | None = None
    start_date: dt.date | None = None
    active: bool | None = None


@dataclass(frozen=True)
class Sheet:
    columns: frozenset[str]
    rows: list[Row]
    # Emails of rows left out for their problems: others may still name them as manager.
    set_aside: frozenset[str] = frozenset()


def parse(table: Table) -> tuple[Sheet, list[Problem]]:
    """Check the header and every row; the rows that pass and every problem found."""
    problems: list[Problem] = []
    header = [cell.strip().lower().replace(" ", "_") for cell in table.header]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(
                Problem(1, name, f"unknown column; the columns are {', '.join(COLUMNS)}.")
            )
        elif name in positions:
            problems.append(Problem(1, name, "the column appears twice."))
        else:
            positions[name] = index
    for name in REQUIRED:
        if name not in positions:
            problems.append(Problem(1, name, "missing column; every file needs it."))
    if problems:
        return Sheet(frozenset(positions), []), problems

    rows: list[Row] = []
    first_row_of: dict[str, int] = {}
    set_aside: set[str] = set()
    for number, cells in table.rows:
        values = {
            name: _unguard(cells[i].strip() if i < len(cells) else "")
            for name, i in positions.items()
        }
        extra = [
            c for i, c in enumerate(cells) if c.strip() and (i >= len(header) or not header[i])
        ]
        if extra:
            problems.append(Problem(number, "", "this row has more cells than the header names."))
        row_problems: list[Problem] = []

        def bad(
            column: str, message: str, *, into: list[Problem] = row_problems, at: int = number
        ) -> None:
            into.append(Problem(at, column, message))

        email = values["email"].lower()
        if not email:
            bad("email", "enter the person's email.")
        elif not _is_email(email):
            bad("email", f"{values['email']!r} is not an email address.")
        elif email in first_row_of:
            bad("email", f"{email} is also on row {first_row_of[email]}; one row per person.")
        else:
            first_row_of[email] = number
        name = values["name"]
        if not name:
            bad("name", "enter the person's name.")
        elif len(name) > NAME_LENGTH:
            bad("name", f"use at most {NAME_LENGTH} characters.")
        manager_email = values.get("manager_email", "").lower()
        if manager_email:
            if not _is_email(manager_email):
                bad("manager_email", f"{values['manager_email']!r} is not an email address.")
            elif manager_email == email:
                bad("manager_email", "a person cannot be their own manager.")
        team_paths: list[tuple[str, ...]] = []
        for text in values.get("team_path", "").split(PATHS_SEPARATOR):
            if not text.strip():
                continue
            parts = tuple(part.strip() for part in text.split(TEAM_SEPARATOR))
            if not all(parts):
                bad("team_path", f"{text.strip()!r} has an empty team name between slashes.")
            elif any(len(part) > NAME_LENGTH for part in parts):
                bad("team_path", f"a team name in {text.strip()!r} is over {NAME_LENGTH} long.")
            elif parts not in team_paths:
                team_paths.append(parts)
        title = values.get("title", "")
        if len(title) > NAME_LENGTH:
            bad("title", f"use at most {NAME_LENGTH} characters.")
        hr = _yes_no(values.get("hr", ""), "hr", bad)
        active = _yes_no(values.get("active", ""), "active", bad)
        start_date = None
        raw_date = values.get("start_date", "")
        if raw_date:
            try:
                start_date = dt.date.fromisoformat(raw_date[:10] if "T" in raw_date else raw_date)
            except ValueError:
                bad("start_date", f"{raw_date!r} is not a date; use YYYY-MM-DD.")
            else:
                problem = day_problem(start_date)
                if problem:
                    bad("start_date", problem)
                    start_date = None
        problems.extend(row_problems)
        if row_problems:
            if email and first_row_of.get(email) == number:
                set_aside.add(email)
            continue
        rows.append(
            Row(
                number=number,
                email=email,
                name=name,
                manager_email=manager_email,
                team_paths=tuple(team_paths),
                title=title,
                hr=hr,
                start_date=start_date,
                active=active,
            )
        )
    if not table.rows:
        problems.append(Problem(0, "", "The file has a header but no people."))
    return Sheet(frozenset(positions), rows, frozenset(set_aside)), problems


def _unguard(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _guard(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _is_email(value: str) -> bool:
    if len(value) > EMAIL_LENGTH:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _yes_no(raw: str, column: str, bad: object) -> bool | None:
    text = raw.strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    bad(column, f"{raw!r} is not yes or no.")  # type: ignore[operator]
    return None


# -- writing ----------------------------------------------------------------------------------


def to_csv(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([_guard(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: Iterable[Sequence[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_guard(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_ROWS = [
    ["ada@example.com", "Ada Lovelace", "", "", "Chief Executive", "no", "2020-01-06", "yes"],
    [
        "grace@example.com",
        "Grace Hopper",
        "ada@example.com",
        "Engineering",
        "VP Engineering",
        "no",
        "2020-03-02",
        "yes",
    ],
    [
        "alan@example.com",
        "Alan Turing",
        "grace@example.com",
        "Engineering / Platform / Storage",
        "Storage engineer",
        "no",
        "2021-09-13",
        "yes",
    ],
    [
        "frances@example.com",
        "Frances Allen",
        "ada@example.com",
        "People",
        "HR partner",
        "yes",
        "2022-05-16",
        "yes",
    ],
]
