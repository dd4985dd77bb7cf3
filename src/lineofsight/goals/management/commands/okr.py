"""``lineofsight okr``: export the OKR graph (JSON, CSV, XLSX), import it (with a dry-run),
write the spreadsheet template or the format's JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.commands import subcommands
from lineofsight.core.errors import InvalidInput
from lineofsight.goals.exchange import apply as exchange
from lineofsight.goals.exchange import graph, spreadsheet
from lineofsight.goals.exchange.plan import LABELS, Plan
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text, one per create or change, then a summary."""
    lines = []
    for step in plan.steps:
        label = LABELS[step.section]
        if step.action == "create":
            lines.append(f"Create {label.lower()} {step.label!r} ({step.new}) [{step.where}]")
        else:
            old = step.old or "(none)"
            new = step.new or "(none)"
            lines.append(
                f"Change {label.lower()} {step.label!r}: {step.field} {old} -> {new} [{step.where}]"
            )
    lines.extend(f"Note: {note}" for note in plan.notes)
    lines.append(summary(plan))
    return lines


def summary(plan: Plan) -> str:
    parts = []
    for section, counts in plan.counts().items():
        if counts["create"] or counts["change"]:
            name = section.replace("_", " ")
            parts.append(f"{name}: {counts['create']} to create, {counts['change']} changed")
    body = "; ".join(parts) if parts else "nothing to create or change"
    return f"{plan.rows} entities read: {body}; {plan.unchanged} unchanged."


def _problems(plan: Plan) -> str:
    lines = [str(p) for p in plan.problems]
    return (
        f"The file has {len(lines)} problem{'' if len(lines) == 1 else 's'}; nothing was "
        "changed.\n" + "\n".join(lines)
    )


class Command(BaseCommand):
    help = "Export or import the whole OKR graph (JSON, CSV, XLSX); the template; the schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        p = sub.add_parser("export", help="Write the OKR graph (everything, or as one person).")
        p.add_argument("--cycle", default="", help="A cycle's name or id (a year: with quarters).")
        p.add_argument(
            "--as",
            dest="as_person",
            metavar="EMAIL",
            default="",
            help="Export what this person may see (default: everything).",
        )
        p.add_argument("--format", dest="fmt", choices=sorted(exchange.FORMATS), default="")
        p.add_argument("--sheet", choices=spreadsheet.SHEETS, default="", help="For CSV.")
        p.add_argument("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
        p = sub.add_parser(
            "import", help="Create and update OKRs from a JSON, CSV or XLSX file; all or nothing."
        )
        p.add_argument("file", metavar="FILE", help="A .json, .csv or .xlsx file ('-': stdin).")
        p.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )
        p = sub.add_parser("template", help="Write the spreadsheet template.")
        p.add_argument("--format", dest="fmt", choices=("csv", "xlsx"), default="")
        p.add_argument("--sheet", choices=spreadsheet.SHEETS, default="", help="For CSV.")
        p.add_argument("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
        sub.add_parser("schema", help="Print the JSON Schema of the okr-graph format.")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "import":
            self.handle_import(**options)
        elif command == "export":
            self.handle_export(**options)
        elif command == "template":
            self.handle_template(**options)
        else:
            self.stdout.write(json.dumps(graph.schema(), indent=2))

    def handle_import(self, *, file: str, dry_run: bool, **_: Any) -> None:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"FILE: cannot read {file!r} ({exc.strerror}).") from None
        if dry_run:
            plan = exchange.dry_run(acting_user=None, data=data, filename=file)
            if plan.problems:
                raise CommandError(_problems(plan))
            for line in describe(plan):
                self.stdout.write(line)
            self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            plan = exchange.apply_import(acting_user=None, data=data, filename=file)
        except exchange.ImportRefused as exc:
            raise CommandError(_problems(exc.plan)) from None
        for line in describe(plan):
            self.stdout.write(line)
        self.stdout.write("Imported.")

    def _write(self, pieces: Any, output: str | None, fmt: str, what: str) -> None:
        if output:
            with Path(output).open("wb") as out:
                for piece in pieces:
                    out.write(piece)
            self.stdout.write(f"Wrote {what} to {output}.")
        elif fmt == "xlsx":
            raise CommandError("--format xlsx: give a file with -o; a workbook is not text.")
        else:
            for piece in pieces:
                self.stdout.write(piece.decode("utf-8"), ending="")

    def handle_export(
        self, *, cycle: str, as_person: str, fmt: str, sheet: str, output: str | None, **_: Any
    ) -> None:
        if not fmt:
            suffix = (output or "").lower().rsplit(".", 1)[-1]
            fmt = suffix if suffix in exchange.FORMATS else "json"
        chosen = None
        if cycle:
            chosen = (
                Cycle.objects.filter(pk=int(cycle)).first()
                if cycle.isdigit()
                else Cycle.objects.filter(name__iexact=cycle).first()
            )
            if chosen is None:
                raise CommandError(f"--cycle: there is no cycle {cycle!r}.")
        person = None
        if as_person:
            person = Person.objects.filter(email__iexact=as_person.strip()).first()
            if person is None:
                raise CommandError(f"--as: no one has the email {as_person!r}.")
        try:
            pieces = exchange.export_stream(acting_user=person, cycle=chosen, fmt=fmt, sheet=sheet)
        except InvalidInput as exc:
            raise CommandError(exc.summary()) from None
        self._write(pieces, output, fmt, "the OKR graph")

    def handle_template(self, *, fmt: str, sheet: str, output: str | None, **_: Any) -> None:
        if not fmt:
            fmt = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        self._write([exchange.template(fmt, sheet)], output, fmt, "the template")
