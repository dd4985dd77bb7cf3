"""``lineofsight coach``: the coach's findings for a cycle, a team or a person.

Runs with the operator's authority (it sees every objective, like HR), through the same
checks as the pages and the API. ``--json`` prints the findings as data; ``--strict`` exits
with status 1 when any error-level finding is not acknowledged, for a check in a script or a
scheduled job.
"""

from __future__ import annotations

import textwrap
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.coach.scope import CoachScope
from lineofsight.coach.selectors import (
    CHECK_LABELS,
    FindingRow,
    Report,
    coach_report,
    finding_data,
)
from lineofsight.core import words
from lineofsight.core.commands import to_json
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.commands import find_cycle
from lineofsight.people.commands import find_person, find_team

WIDTH = 100
LEVEL_WORDS = {"error": "ERROR", "warning": "WARNING", "info": "NOTE"}


class Command(BaseCommand):
    help = (
        "Print the coach's findings for a cycle (default: the current one): the whole "
        "organisation, a team with the teams inside it (--team), or a person (--person). "
        "--strict exits with status 1 when an error-level finding is not acknowledged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", metavar="NAME", help="The cycle, by name (e.g. 'Q4 2026').")
        parser.add_argument(
            "--team", metavar="SLUG", help="A team's objectives and those of the teams inside it."
        )
        parser.add_argument("--person", metavar="USERNAME", help="A person's objectives.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 1 when any error-level finding is not acknowledged.",
        )

    def handle(
        self,
        *args: Any,
        cycle: str | None,
        team: str | None,
        person: str | None,
        as_json: bool,
        strict: bool,
        **options: Any,
    ) -> None:
        if team and person:
            raise CommandError("--team, --person: give one or the other, not both.")
        if cycle is not None:
            found_cycle = find_cycle(cycle, "--cycle")
        else:
            current = goal_selectors.current_cycle()
            if current is None:
                raise CommandError("--cycle: there is no cycle yet (see `lineofsight cycles`).")
            found_cycle = current
        if team is not None:
            found_team = find_team(team, "--team")
            scope = CoachScope.of_team(found_cycle, found_team)
            label = f"{found_team.name} and the teams inside it"
        elif person is not None:
            found_person = find_person(person, "--person")
            scope = CoachScope.of_person(found_cycle, found_person)
            label = found_person.name
        else:
            scope = CoachScope.organisation(found_cycle)
            label = "the whole organisation"
        report = coach_report(None, scope)
        if as_json:
            self.stdout.write(to_json(_as_data(report, label)))
        else:
            self.stdout.write(_as_text(report, label))
        if strict and report.open_errors:
            count = len(report.open_errors)
            raise CommandError(
                f"--strict: {count} error-level finding{'' if count == 1 else 's'} "
                "not acknowledged."
            )


def _counts(report: Report) -> dict[str, int]:
    open_rows = report.open_rows
    return {
        "errors": sum(1 for r in open_rows if r.finding.level.value == "error"),
        "warnings": sum(1 for r in open_rows if r.finding.level.value == "warning"),
        "notes": sum(1 for r in open_rows if r.finding.level.value == "info"),
        "acknowledged": len(report.acknowledged_rows),
    }


def _as_data(report: Report, label: str) -> dict[str, Any]:
    cycle = report.loaded.population.cycle
    scope = report.loaded.scope
    return {
        "cycle": {"id": cycle.id, "name": cycle.name, "today": cycle.today},
        "scope": {
            "kind": scope.kind,
            "team": scope.team.slug if scope.team is not None else None,
            "person": scope.person.username if scope.person is not None else None,
            "label": label,
        },
        "counts": _counts(report),
        "findings": [finding_data(row) for row in report.rows],
    }


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent) or [
        indent.rstrip()
    ]


def _finding_lines(row: FindingRow) -> list[str]:
    f = row.finding
    head = f"  {LEVEL_WORDS[f.level.value]:<8}{row.subject_label}"
    lines = _wrap(head, "")
    lines += _wrap(f.message, "          ")
    if f.suggestion:
        lines += _wrap(f"Try: {f.suggestion}", "          ")
    ack = row.acknowledgement
    if ack is not None:
        by = f" by {ack.acknowledged_by.name}" if ack.acknowledged_by else ""
        lines += _wrap(
            f"Acknowledged{by} on {ack.acknowledged_at:%d %b %Y}: {ack.reason}", "          "
        )
    lines.append(f"          [{f.code}, {f.subject.value} {f.subject_id}]")
    return lines


def _as_text(report: Report, label: str) -> str:
    cycle = report.loaded.population.cycle
    counts = _counts(report)
    lines = [
        f"Coach: {cycle.name}, {label} (as of {cycle.today:%d %b %Y})",
        f"{words.count(counts['errors'], 'error')}, {words.count(counts['warnings'], 'warning')}, "
        f"{words.count(counts['notes'], 'note')} "
        f"open; {counts['acknowledged']} acknowledged.",
    ]
    if not report.rows:
        lines.append("")
        lines.append("Nothing to point out.")
        return "\n".join(lines)
    for check, rows in report.by_check():
        open_rows = [r for r in rows if not r.acknowledged]
        acknowledged = [r for r in rows if r.acknowledged]
        lines.append("")
        title = f"{CHECK_LABELS.get(check, check)} ({len(open_rows)} open"
        title += f", {len(acknowledged)} acknowledged)" if acknowledged else ")"
        lines.append(title)
        lines.append("-" * len(title))
        for row in [*open_rows, *acknowledged]:
            lines.extend(_finding_lines(row))
    return "\n".join(lines)
