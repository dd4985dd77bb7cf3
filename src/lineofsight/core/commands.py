"""Shared plumbing for the ``lineofsight`` admin commands.

Commands run with the operator's authority (``acting_user=None``), write only through the
named actions, and turn every refusal into a ``CommandError`` that names the command-line
argument at fault. A command that does several writes runs them in one transaction, so a
bad argument changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from lineofsight.core import parsing
from lineofsight.core.errors import ActionError, InvalidInput, NotAllowed


@contextmanager
def argument_errors(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Translate an action's refusal into a ``CommandError`` naming the argument.

    ``names`` maps an action's field names to the command-line spelling (``display_name``
    to ``--name``); fields not in the map are shown as they are.
    """
    names = names or {}
    try:
        yield
    except InvalidInput as exc:
        parts = []
        for field, messages in exc.errors.items():
            label = names.get(field, field)
            for message in messages:
                parts.append(message if label == "__all__" else f"{label}: {message}")
        raise CommandError(" ".join(parts)) from None
    except NotAllowed as exc:
        raise CommandError(f"Refused: {exc}") from None
    except ActionError as exc:  # NotFound and any other refusal
        raise CommandError(str(exc)) from None


def parse_date(value: str, argument: str) -> dt.date:
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise CommandError(f"{argument}: {value!r} is not a date; use YYYY-MM-DD.") from None
    problem = parsing.day_problem(day)
    if problem:
        raise CommandError(f"{argument}: {problem}")
    return day


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table with left-aligned columns, for terminals and logs."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()

    out = [line(cells[0]), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out)


def to_json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def subcommands(parser: CommandParser) -> Any:
    """Add the subcommand slot to a command's parser; returns it for ``add_parser``."""
    return parser.add_subparsers(
        dest="subcommand", metavar="SUBCOMMAND", title="subcommands", required=True
    )


class SubcommandCommand(BaseCommand):
    """A command with subcommands (``lineofsight people add ...``).

    Subclasses build their parsers with ``subcommands()`` and define ``handle_<name>`` for
    each subcommand; every subcommand runs in one transaction.
    """

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"].replace("-", "_")
        handler: Callable[..., None] = getattr(self, f"handle_{name}")
        with transaction.atomic():
            handler(**options)
