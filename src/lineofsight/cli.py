"""The ``lineofsight`` command: a thin wrapper over Django's management commands.

``lineofsight demo``, ``lineofsight rollup --verify``, ``lineofsight people ...``,
``lineofsight runserver`` and every other management command work the same way.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lineofsight.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["lineofsight", *argv])
    args[0] = "lineofsight"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
