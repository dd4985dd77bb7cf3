"""Reading an OKR graph file: JSON checked against the published schema, or a spreadsheet
(CSV or XLSX, ``spreadsheet``) turned into the same structure.

Every problem names where it is: a JSON path (``objectives[12].owner``) or a spreadsheet's
row and column (``Key results row 5, owner_email``). A file with any problem changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from lineofsight.goals.exchange import graph

MAX_PROBLEMS = 500


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong, and where: a JSON path or a spreadsheet row and column ("" for the
    whole file)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FileProblems(Exception):
    """The file cannot be imported; nothing was changed."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=problem_order)
        super().__init__(" ".join(str(p) for p in self.problems[:5]))


def problem_order(problem: Problem) -> tuple[Any, ...]:
    """Problems in the order of the file: by section, then by index or row number."""
    parts: list[Any] = []
    for chunk in problem.where.replace("[", " ").replace("]", " ").replace(",", " ").split():
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return (parts, problem.message)


def json_path(section: str, index: int, name: str = "") -> str:
    where = f"{section}[{index}]"
    return f"{where}.{name}" if name else where


@dataclass
class Document:
    """A file's content as the JSON format's structure, whatever the file was, and how to
    name a place in it (``locate(section, index, field)``)."""

    data: dict[str, Any]
    kind: str = "json"  # json, csv, xlsx
    locate: Callable[[str, int, str], str] = json_path
    rows: int = 0  # entities read
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return str(self.data.get("source") or "")


def read_json(data: bytes) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblems([Problem("", "The file is not UTF-8 text.")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        raise FileProblems([Problem("", message)]) from None
    if not isinstance(document, dict):
        raise FileProblems([Problem("", "The file must hold one JSON object.")])
    if document.get("format") != graph.FORMAT:
        message = f"this is not an OKR graph file; expected {graph.FORMAT!r}."
        raise FileProblems([Problem("format", message)])
    if document.get("version") != graph.VERSION:
        message = (
            f"version {document.get('version')!r} cannot be read here; this installation "
            f"reads version {graph.VERSION}."
        )
        raise FileProblems([Problem("version", message)])
    problems = check_schema(document)
    if problems:
        raise FileProblems(problems)
    count = sum(len(document.get(section) or []) for section in graph.SECTIONS)
    return Document(data=document, kind="json", rows=count)


def _path(error: ValidationError) -> str:
    where = ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _message(error: ValidationError) -> tuple[str, str]:
    """The place and a sentence for one schema error (without echoing whole objects)."""
    where = _path(error)
    validator = error.validator
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        return (f"{where}.{missing}" if where else missing), "this field is required."
    if validator == "additionalProperties":
        return where, error.message.replace("Additional properties", "Fields") + "."
    if validator == "oneOf" and where.startswith("alignment_links"):
        return where, "give exactly one of parent_objective and parent_key_result."
    if validator in ("minProperties", "maxProperties") and where.endswith(".owner"):
        return where, 'give exactly one of "person" (an email) and "team" (a team\'s path).'
    if validator == "type":
        return where, f"expected {error.validator_value}, got {json.dumps(error.instance)[:60]}."
    if validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return where, f"{json.dumps(error.instance)[:60]} is not one of {allowed}."
    if validator == "exclusiveMinimum":
        return where, f"must be above {error.validator_value}."
    if validator in ("minimum", "maximum"):
        word = "at least" if validator == "minimum" else "at most"
        return where, f"must be {word} {error.validator_value}."
    if validator == "const":
        return where, f"must be {json.dumps(error.validator_value)}."
    return where, str(error.message)[:200] + "."


def check_schema(document: dict[str, Any]) -> list[Problem]:
    """Every place the document breaks the published schema (at most ``MAX_PROBLEMS``)."""
    validator = Draft202012Validator(graph.schema())
    problems: list[Problem] = []
    for error in validator.iter_errors(document):
        where, message = _message(error)
        problems.append(Problem(where, message))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems
