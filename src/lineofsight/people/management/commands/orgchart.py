"""``lineofsight orgchart``: import the org chart from a CSV or XLSX file, or export it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.commands import subcommands
from lineofsight.people import orgchart_apply
from lineofsight.people.orgchart_plan import Plan

KIND_LABELS = {
    "new_team": "New team",
    "create": "Create",
    "change": "Change",
    "move": "Move",
    "deactivate": "Deactivate",
}


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text, one per step, then a summary."""
    lines = []
    for step in plan.steps:
        label = KIND_LABELS[step.kind]
        where = f"row {step.row}: " if step.row else ""
        if step.kind == "new_team":
            lines.append(f"{label}: {step.who}")
        elif step.kind == "create":
            lines.append(f"{label} {where}{step.name} <{step.who}> ({step.new})")
        else:
            old = step.old or "(none)"
            new = step.new or "(none)"
            lines.append(f"{label} {where}{step.name} <{step.who}>: {step.field} {old} -> {new}")
    lines.extend(f"Note: {note}" for note in plan.notes)
    lines.append(summary(plan))
    return lines


def summary(plan: Plan) -> str:
    counts = [
        f"{plan.count('create')} to create",
        f"{plan.count('change')} changes",
        f"{plan.count('move')} moves",
        f"{plan.count('deactivate')} to deactivate",
        f"{plan.count('new_team')} new teams",
    ]
    return f"{plan.rows} rows: " + ", ".join(counts) + "."


class Command(BaseCommand):
    help = "Import the org chart from a CSV or XLSX file (with a dry-run), or export it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        p = sub.add_parser(
            "import",
            help="Create, change, move (and optionally deactivate) people from a file; all or "
            "nothing.",
        )
        p.add_argument("file", metavar="FILE", help="A .csv or .xlsx file ('-' reads stdin).")
        p.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )
        p.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate active people of the organisation who are not in the file.",
        )
        p = sub.add_parser("export", help="Write the org chart in the import's format.")
        p.add_argument("--format", dest="fmt", choices=sorted(orgchart_apply.FORMATS), default="")
        p.add_argument("-o", "--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self.handle_import(**options)
        else:
            self.handle_export(**options)

    def handle_import(
        self, *, file: str, dry_run: bool, deactivate_missing: bool, **_: Any
    ) -> None:
        if file == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"FILE: cannot read {file!r} ({exc.strerror}).") from None
        if dry_run:
            plan = orgchart_apply.dry_run(
                acting_user=None, data=data, filename=file, deactivate_missing=deactivate_missing
            )
            if plan.problems:
                raise CommandError(self._problems(plan))
            for line in describe(plan):
                self.stdout.write(line)
            self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            plan = orgchart_apply.apply_import(
                acting_user=None, data=data, filename=file, deactivate_missing=deactivate_missing
            )
        except orgchart_apply.ImportRefused as exc:
            raise CommandError(self._problems(exc.plan)) from None
        for line in describe(plan):
            self.stdout.write(line)
        self.stdout.write("Imported.")

    @staticmethod
    def _problems(plan: Plan) -> str:
        lines = [str(p) for p in plan.problems]
        return (
            f"The file has {len(lines)} problem{'' if len(lines) == 1 else 's'}; nothing was "
            "changed.\n" + "\n".join(lines)
        )

    def handle_export(self, *, fmt: str, output: str | None, **_: Any) -> None:
        if not fmt:
            fmt = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        data = orgchart_apply.export(acting_user=None, fmt=fmt)
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(f"Wrote the org chart to {output}.")
        elif fmt == "xlsx":
            raise CommandError("--format xlsx: give a file with -o; a workbook is not text.")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
