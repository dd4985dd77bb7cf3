"""``lineofsight organisation``: show or change the organisation's name, time zone and its
tracking settings (status from pace, escalations, the digest day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lineofsight.core.commands import argument_errors
from lineofsight.core.words import WEEKDAYS
from lineofsight.people import actions
from lineofsight.people.models import Organisation

FIELDS = {
    "name": "--name",
    "time_zone": "--time-zone",
    "pace_on_track": "--pace-on-track",
    "pace_off_track": "--pace-off-track",
    "escalate_after_misses": "--escalate-after",
    "digest_weekday": "--digest-weekday",
    "blocker_escalation_days": "--escalate-blockers-after",
}
# The coach's limits: field -> option (all whole numbers but the similarity, a share).
COACH_OPTIONS = {
    "max_objectives_person": "--max-objectives-person",
    "max_objectives_team": "--max-objectives-team",
    "min_key_results": "--min-key-results",
    "max_key_results": "--max-key-results",
    "min_key_results_company": "--min-key-results-company",
    "max_key_results_company": "--max-key-results-company",
    "copy_paste_similarity": "--copy-paste-similarity",
    "sandbagging_cycles": "--sandbagging-cycles",
    "sandbagging_attainment": "--sandbagging-attainment",
    "sandbagging_min_check_ins": "--sandbagging-check-ins",
    "neglect_missed_check_ins": "--neglect-after-missed",
    "closing_days": "--closing-days",
    "max_nesting_depth": "--max-nesting-depth",
    "min_objectives_team": "--min-objectives-team",
    "rating_attainment_correlation": "--rating-correlation",
    "rating_attainment_min_people": "--rating-correlation-people",
}
SHARES = {name for name, _, _, _ in actions.COACH_SHARES}
COACH_HELP = {
    "max_objectives_person": "At most N objectives per person in a cycle (default 3).",
    "max_objectives_team": "At most N objectives per team in a cycle (default 5).",
    "min_key_results": "At least N key results per team or individual objective (default 2).",
    "max_key_results": "At most N key results per team or individual objective (default 4).",
    "min_key_results_company": "At least N key results per company objective (default 3).",
    "max_key_results_company": "At most N key results per company objective (default 5).",
    "copy_paste_similarity": "A child whose restating score against its parent (wording, "
    "meaning and figures) is at least this restates it (0.2-0.9, default 0.35).",
    "sandbagging_cycles": "Ask about stretch after N closed cycles in a row at the sandbagging "
    "attainment or more (default 2).",
    "sandbagging_attainment": "Attainment that counts as hitting everything (0.8-1.0, default "
    "0.95).",
    "sandbagging_min_check_ins": "Check-ins on each of two stretch key results, all on track, "
    "before asking about stretch (default 3).",
    "neglect_missed_check_ins": "A key result is neglected after N cadence periods without a "
    "check-in (default 2).",
    "closing_days": "Call out untouched key results in the last N days of a cycle (default 14).",
    "max_nesting_depth": "At most N levels from a company objective down (default 4).",
    "min_objectives_team": "Nudge a team with fewer than N team objectives (default 3).",
    "rating_attainment_correlation": "Ratings correlated with attainment at least this much look "
    "like a formula (0.5-1.0, default 0.9).",
    "rating_attainment_min_people": "Read that correlation over at least N reviewed people "
    "(default 8).",
}


def weekday(raw: str) -> int:
    """A day by name ("monday", "Mon") or number (0 = Monday ... 6 = Sunday)."""
    value = raw.strip().lower()
    if value.isdigit():
        day = int(value)
        if 0 <= day <= 6:
            return day
    for number, name in enumerate(WEEKDAYS):
        if len(value) >= 3 and name.lower().startswith(value):
            return number
    raise CommandError(
        f"--digest-weekday: {raw!r} is not a day; use monday ... sunday, or 0 (Monday) ... 6."
    )


def share(raw: str, argument: str) -> float:
    try:
        return float(raw.strip().rstrip("%")) / (100 if raw.strip().endswith("%") else 1)
    except ValueError:
        raise CommandError(f"{argument}: {raw!r} is not a number; use e.g. 0.7 or 70%.") from None


def whole(raw: str, argument: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise CommandError(f"{argument}: {raw!r} is not a whole number.") from None


class Command(BaseCommand):
    help = (
        "Show the organisation's settings, or change them: its name and time zone (cycles "
        "start and end at midnight in it), the shares of the expected progress that make a key "
        "result on track or off track, after how many missed check-ins in a row the owner's "
        "manager is told, the day of the weekly digest and after how many days an unresolved "
        "blocker goes up the manager chain; and the limits the coach checks OKRs against."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The organisation's name, shown in the product.")
        parser.add_argument(
            "--time-zone", help="An IANA time zone such as Europe/Paris or America/New_York."
        )
        parser.add_argument(
            "--pace-on-track",
            metavar="SHARE",
            help="On track from this share of the expected progress (default 0.7, or 70%%).",
        )
        parser.add_argument(
            "--pace-off-track",
            metavar="SHARE",
            help="Off track below this share (default 0.5); not above --pace-on-track.",
        )
        parser.add_argument(
            "--escalate-after",
            metavar="N",
            help="Tell the owner's manager after N missed check-ins in a row (default 2).",
        )
        parser.add_argument(
            "--digest-weekday",
            metavar="DAY",
            help="The day managers' weekly digest goes out: monday ... sunday (default monday).",
        )
        parser.add_argument(
            "--escalate-blockers-after",
            metavar="DAYS",
            help="Tell the manager chain of a blocker's assignee (or raiser) after DAYS "
            "unresolved, one step up per further DAYS (default 7).",
        )
        for field, option in COACH_OPTIONS.items():
            parser.add_argument(option, dest=field, metavar="N", help=COACH_HELP[field])

    def handle(
        self,
        *args: Any,
        name: str | None,
        time_zone: str | None,
        pace_on_track: str | None,
        pace_off_track: str | None,
        escalate_after: str | None,
        digest_weekday: str | None,
        escalate_blockers_after: str | None,
        **options: Any,
    ) -> None:
        changes: dict[str, Any] = {
            "name": name,
            "time_zone": time_zone,
            "pace_on_track": share(pace_on_track, "--pace-on-track")
            if pace_on_track is not None
            else None,
            "pace_off_track": share(pace_off_track, "--pace-off-track")
            if pace_off_track is not None
            else None,
            "escalate_after_misses": whole(escalate_after, "--escalate-after")
            if escalate_after is not None
            else None,
            "digest_weekday": weekday(digest_weekday) if digest_weekday is not None else None,
            "blocker_escalation_days": whole(escalate_blockers_after, "--escalate-blockers-after")
            if escalate_blockers_after is not None
            else None,
        }
        coach: dict[str, Any] = {}
        for field, option in COACH_OPTIONS.items():
            raw = options.get(field)
            if raw is None:
                continue
            if field in SHARES:
                coach[field] = share(raw, option)
            else:
                coach[field] = whole(raw, option)
        if any(value is not None for value in changes.values()) or coach:
            with transaction.atomic(), argument_errors({**FIELDS, **COACH_OPTIONS}):
                if any(value is not None for value in changes.values()):
                    actions.update_organisation(acting_user=None, **changes)
                if coach:
                    actions.update_coach_settings(acting_user=None, **coach)
            self.stdout.write("Updated the organisation.")
        org = Organisation.current()
        self.stdout.write(f"Name:      {org.name}")
        self.stdout.write(f"Time zone: {org.time_zone}")
        self.stdout.write(
            f"Pace:      on track from {org.pace_on_track:g} of the expected progress, "
            f"off track below {org.pace_off_track:g}"
        )
        misses = org.escalate_after_misses
        self.stdout.write(
            f"Escalate:  after {misses} missed check-in{'' if misses == 1 else 's'} in a row"
        )
        self.stdout.write(f"Digest:    every {WEEKDAYS[org.digest_weekday]}")
        days = org.blocker_escalation_days
        self.stdout.write(
            f"Blockers:  up the manager chain after {days} day{'' if days == 1 else 's'} unresolved"
        )
        self.stdout.write(
            f"Coaching:  at most {org.max_objectives_person} objectives per person and "
            f"{org.max_objectives_team} per team; {org.min_key_results}-{org.max_key_results} "
            f"key results per objective ({org.min_key_results_company}-"
            f"{org.max_key_results_company} at company level); copy-paste from "
            f"{org.copy_paste_similarity:g} similarity; sandbagging after "
            f"{org.sandbagging_cycles} cycles at {org.sandbagging_attainment * 100:.0f} % or more"
        )
        self.stdout.write(
            f"           at least {org.min_objectives_team} objectives per team; at most "
            f"{org.max_nesting_depth} alignment levels; a key result neglected after "
            f"{org.neglect_missed_check_ins} missed check-ins (see /coach/rules/)"
        )
