"""Load the demo organisation (``demo.content``) through the named actions.

Everything is written by the actions a person would use, as the person who would do it
(team leads write their team's objectives, owners check in on their key results), with
history timestamps in the past (``at=``): objectives are set just before their quarter,
check-ins come weekly. Two quarters relative to today: the previous one, closed with all
thirteen weekly check-ins, and the current one, active, with its check-ins up to today. When
the two quarters lie in different years both years exist, each with its own company
objectives. Random choices (noise in readings, which check-in gets which note) come from a
seeded generator, so a given day always produces the same demo.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lineofsight.demo import content
from lineofsight.demo.blockers import load_blockers
from lineofsight.demo.calibration import load_calibration
from lineofsight.demo.check_ins_due import leave_some_check_ins_due
from lineofsight.demo.closing import close_out_previous_quarter
from lineofsight.demo.coaching import planted_objectives
from lineofsight.demo.content import CURRENT, PREVIOUS, KRSpec, ObjectiveSpec
from lineofsight.demo.development import load_development_goals
from lineofsight.demo.discussion import load_discussion
from lineofsight.demo.drafting import load_drafting
from lineofsight.demo.feedback import load_feedback
from lineofsight.demo.oneonones import load_one_on_ones, read_messages_about_held_meetings
from lineofsight.demo.reviews import load_reviews
from lineofsight.demo.team_retros import load_team_retrospectives
from lineofsight.demo.world import Plan, quarter_bounds, quarter_name
from lineofsight.goals import actions, rollup
from lineofsight.goals.access import objective_deciders
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.insights.actions import backfill_started_cycles
from lineofsight.integrations.models import InboxItem, Notification
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Organisation, Person, Team
from lineofsight.people.selectors import forget_organisation_cache

DEMO_PASSWORD = "demo-password"
DEFAULT_SEED = 20_240_601
WEEKS = 13
DEMO_USERNAMES = frozenset(p.username for p in content.PEOPLE)
DEMO_TEAM_SLUGS = frozenset(t.slug for t in content.TEAMS)


@dataclass
class Summary:
    people: int = 0
    teams: int = 0
    cycles: int = 0
    objectives: int = 0
    key_results: int = 0
    check_ins: int = 0
    blocker_stories: int = 0
    development_goals: int = 0
    drafts: int = 0
    one_on_ones: int = 0  # meetings held
    seconds: float = 0.0
    verified: int = 0
    differences: int = 0


# ---------------------------------------------------------------------------------------
# Readings


def _round(value: float, decimals: int) -> float:
    return float(round(value, decimals))


def quarter_readings(spec: KRSpec, rng: random.Random) -> list[tuple[float | None, bool | None]]:
    """The 13 weekly readings a key result's plan makes: (value, done)."""
    if spec.kind == "milestone":
        return [(None, spec.done_week is not None and w >= spec.done_week) for w in range(1, 14)]
    if spec.kind in ("stay_above", "stay_below"):
        return [(_threshold_value(spec, rng, w, spec.breach_weeks), None) for w in range(1, 14)]
    assert spec.start is not None and spec.end is not None
    start, end = spec.start, spec.end
    counting = spec.kind == "increase" and spec.decimals == 0 and start == 0
    bend = rng.uniform(0.85, 1.25)
    values: list[float | None] = []
    best = start
    for week in range(1, WEEKS + 1):
        share = (week / WEEKS) ** bend
        wobble = rng.uniform(-0.06, 0.06) * (1 - week / WEEKS) * abs(end - start)
        value = _round(start + (end - start) * share + wobble, spec.decimals)
        if counting:
            value = min(max(value, best), end)
            best = value
        values.append(value)
    values[-1] = end
    return [(v, None) for v in values]


def _threshold_value(
    spec: KRSpec, rng: random.Random, week: int, breach_weeks: Sequence[int]
) -> float:
    assert spec.target is not None and spec.end is not None
    above = spec.kind == "stay_above"
    margin = abs(spec.end - spec.target)
    if week in breach_weeks:
        value = spec.target - margin * rng.uniform(0.3, 1.2) * (1 if above else -1)
    else:
        value = spec.end + margin * rng.uniform(-0.5, 0.5)
        # Readings outside the planned breach weeks stay on the right side of the line.
        if above:
            value = max(value, spec.target + margin * 0.2)
        else:
            value = min(value, spec.target - margin * 0.2)
    return _round(value, spec.decimals)


def annual_reading(
    spec: KRSpec, rng: random.Random, share: float, week: int, breach_weeks: Sequence[int]
) -> float:
    """A reading of an annual key result ``share`` of the way through its year."""
    if spec.kind in ("stay_above", "stay_below"):
        return _threshold_value(spec, rng, week, breach_weeks)
    assert spec.start is not None and spec.end is not None
    wobble = rng.uniform(-0.03, 0.03) * abs(spec.end - spec.start)
    return _round(spec.start + (spec.end - spec.start) * share + wobble, spec.decimals)


def _planned_share(spec: KRSpec) -> float:
    """Where the plan says the key result ends, as a share of the way to its target."""
    if spec.kind == "milestone":
        return 1.0 if spec.done_week is not None else 0.5
    if spec.start is None or spec.target is None or spec.end is None:
        return 1.0
    span = spec.target - spec.start
    return (spec.end - spec.start) / span if span else 1.0


def confidence_for(
    spec: KRSpec, value: float | None, done: bool | None, expected: float, rng: random.Random
) -> str:
    """How the owner would call it, ``expected`` of the way through the period.

    Early on owners go by what they believe the period will bring (the plan); as it goes on
    the pace of the readings so far counts more and more.
    """
    if spec.kind == "milestone":
        if done:
            return "on_track"
        week = expected * WEEKS
        if week >= 12:
            return "off_track"
        due = spec.done_week or 14
        return "at_risk" if week >= due - 2 and rng.random() < 0.6 else "on_track"
    assert value is not None and spec.target is not None
    if spec.kind in ("stay_above", "stay_below"):
        met = value >= spec.target if spec.kind == "stay_above" else value <= spec.target
        return "on_track" if met else "off_track"
    assert spec.start is not None
    span = spec.target - spec.start
    progress = (value - spec.start) / span if span else 1.0
    by_pace = progress / max(expected, 0.08)
    estimate = expected * by_pace + (1 - expected) * _planned_share(spec)
    estimate += rng.uniform(-0.06, 0.06)
    if estimate >= 0.8:
        return "on_track"
    return "at_risk" if estimate >= 0.6 else "off_track"


def words_for(
    spec: KRSpec, week: int, confidence: str, rng: random.Random, story: bool, last: str
) -> tuple[str, str]:
    """The note and blockers of a check-in: the story's own words, or everyday ones.

    ``last`` is the previous note on the same key result; nobody writes the same line twice.
    """
    if story and week in spec.notes:
        return spec.notes[week]
    notes: Sequence[str] = content.ON_TRACK_NOTES
    blockers: Sequence[str] = ()
    note_odds, blocker_odds = 0.3, 0.0
    if confidence == "off_track":
        notes, blockers, note_odds, blocker_odds = (
            content.OFF_TRACK_NOTES,
            content.OFF_TRACK_BLOCKERS,
            0.8,
            0.8,
        )
    elif confidence == "at_risk":
        notes, blockers, note_odds, blocker_odds = (
            content.AT_RISK_NOTES,
            content.AT_RISK_BLOCKERS,
            0.6,
            0.45,
        )
    note = ""
    if rng.random() < note_odds:
        note = rng.choice([n for n in notes if n != last] or list(notes))
    blocker = rng.choice(blockers) if blockers and rng.random() < blocker_odds else ""
    return note, blocker


# ---------------------------------------------------------------------------------------
# The loader


@dataclass
class _Pending:
    when: dt.datetime
    key_result: KeyResult
    spec: KRSpec
    week: int
    value: float | None
    done: bool | None
    expected: float
    story: bool  # the plan's own notes for this week apply


class DemoLoader:
    def __init__(self, *, today: dt.date | None = None, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.today_arg = today
        self.people: dict[str, Person] = {}
        self.teams: dict[str, Team] = {}
        self.summary = Summary()

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    # -- entry point -----------------------------------------------------------------

    def load(self) -> Summary:
        started = time.perf_counter()
        with transaction.atomic():
            org = Organisation.current()
            tz = zoneinfo.ZoneInfo(org.time_zone)
            real_now = timezone.now()
            today = self.today_arg or timezone.localtime(real_now, tz).date()
            now = min(real_now, dt.datetime.combine(today, dt.time(18), tzinfo=tz))
            self.plan = Plan(tz=tz, now=now)
            people_actions.update_organisation(acting_user=None, name=content.ORGANISATION_NAME)
            # The story is written before approval is asked for; demo.drafting turns it on.
            people_actions.set_okr_approval(acting_user=None, on=False)
            self._organisation()
            self._cycles(today)
            self._okrs()
            self.summary.development_goals = load_development_goals(self)
            self._close_past_cycles(today)
            close_out_previous_quarter(self)
            load_team_retrospectives(self)
            review_cycle = load_reviews(self, today)
            load_feedback(self, review_cycle)
            load_calibration(self, review_cycle)
            self.summary.blocker_stories = load_blockers(self)
            load_discussion(self)
            self.summary.drafts = load_drafting(self)
            self.summary.one_on_ones = load_one_on_ones(self)
        # Every alignment proposal in the demo was answered while it was built: their inbox
        # messages are history, read (the threads' mentions and replies stay unread).
        InboxItem.objects.filter(kind=Notification.Kind.ALIGNMENT).update(read_at=self.plan.now)
        read_messages_about_held_meetings(self.plan.now)  # so were those of one-on-ones held
        forget_organisation_cache()
        diffs, checked = rollup.verify()
        self.summary.verified = checked
        self.summary.differences = len(diffs)
        backfill_started_cycles(now=self.plan.now)  # the dashboards' weekly history
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    # -- people and teams ------------------------------------------------------------

    def _organisation(self) -> None:
        for spec in content.PEOPLE:
            self.people[spec.username] = people_actions.create_person(
                acting_user=None,
                username=spec.username,
                display_name=spec.name,
                email=f"{spec.username}@{content.EMAIL_DOMAIN}",
                job_title=spec.title,
                manager=self.people[spec.manager] if spec.manager else None,
                is_hr_admin=spec.hr,
                is_executive=spec.executive,
            )
        # One shared password, hashed once: hashing it thirty times would take seconds.
        Person.objects.filter(username__in=DEMO_USERNAMES).update(
            password=make_password(DEMO_PASSWORD)
        )
        for team in content.TEAMS:
            self.teams[team.slug] = people_actions.create_team(
                acting_user=None,
                name=team.name,
                kind=team.kind,
                parent=self.teams[team.parent] if team.parent else None,
                lead=self.people[team.lead],
                slug=team.slug,
            )
            for member in team.members:
                people_actions.add_member(
                    acting_user=None, team=self.teams[team.slug], person=self.people[member]
                )
        # Fresh rows: each person's view of their teams is worked out from here on.
        self.people = {p.username: p for p in Person.objects.filter(username__in=DEMO_USERNAMES)}
        self.summary.people = len(self.people)
        self.summary.teams = len(self.teams)

    # -- cycles ----------------------------------------------------------------------

    def _cycles(self, today: dt.date) -> None:
        cur_start, cur_end = quarter_bounds(today)
        prev_start, prev_end = quarter_bounds(cur_start - dt.timedelta(days=1))
        for year in sorted({prev_start.year, cur_start.year}):
            self.plan.years[year] = actions.create_cycle(
                acting_user=None,
                name=f"FY {year}",
                kind=Cycle.Kind.ANNUAL,
                start_date=dt.date(year, 1, 1),
                end_date=dt.date(year, 12, 31),
                state=Cycle.State.ACTIVE,
            )
        for phase, (start, end) in (
            (PREVIOUS, (prev_start, prev_end)),
            (CURRENT, (cur_start, cur_end)),
        ):
            self.plan.quarters[phase] = actions.create_cycle(
                acting_user=None,
                name=quarter_name(start),
                kind=Cycle.Kind.QUARTER,
                start_date=start,
                end_date=end,
                parent=self.plan.years[start.year],
                state=Cycle.State.ACTIVE,
            )
        self.summary.cycles = len(self.plan.years) + len(self.plan.quarters)

    def _close_past_cycles(self, today: dt.date) -> None:
        actions.set_cycle_state(
            acting_user=None, cycle=self.plan.quarters[PREVIOUS], state=Cycle.State.CLOSED
        )
        for year in self.plan.years.values():
            if year.end_date < today:
                actions.set_cycle_state(acting_user=None, cycle=year, state=Cycle.State.CLOSED)

    # -- OKRs ------------------------------------------------------------------------

    def _okrs(self) -> None:
        company, annual_krs = self._company_objectives()
        for phase in (PREVIOUS, CURRENT):
            quarter = self.plan.quarters[phase]
            year = self.plan.year_of(quarter)
            pending = self._quarter_okrs(phase, quarter, dict(company[year.pk]))
            for cycle, kr, kr_spec in annual_krs:
                pending.extend(self._annual_check_ins(phase, quarter, cycle, kr, kr_spec))
            self._record(leave_some_check_ins_due(self, phase, pending))

    def _company_objectives(
        self,
    ) -> tuple[dict[int, dict[str, Objective]], list[tuple[Cycle, KeyResult, KRSpec]]]:
        """Each year's company objectives (written ten days before the year starts), by
        annual cycle id, and their annual key results."""
        company: dict[int, dict[str, Objective]] = {}
        annual_krs: list[tuple[Cycle, KeyResult, KRSpec]] = []
        for cycle in self.plan.years.values():
            at = self.plan.at(cycle.start_date - dt.timedelta(days=10), 10)
            company[cycle.pk] = {}
            for n, spec in enumerate(content.company_objectives()):
                obj = self._objective(spec, cycle, at + dt.timedelta(minutes=10 * n))
                company[cycle.pk][spec.key] = obj
                for i, kr_spec in enumerate(spec.key_results):
                    when = at + dt.timedelta(minutes=10 * n + i + 1)
                    kr = self._key_result(obj, spec.by, kr_spec, cycle, when)
                    annual_krs.append((cycle, kr, kr_spec))
        return company, annual_krs

    def _quarter_okrs(
        self, phase: str, quarter: Cycle, objectives: dict[str, Objective]
    ) -> list[_Pending]:
        """A quarter's OKRs, written in the two days before it starts; returns the weekly
        check-ins their plans make."""
        key_results: dict[str, KeyResult] = {}
        owners: dict[str, str] = {}
        pending: list[_Pending] = []
        clock = _Clock(self.plan.planning_time(quarter))

        arr = objectives["arr"]
        for kr_spec in content.company_quarter_key_results(phase):
            kr = self._key_result(arr, "maya", kr_spec, quarter, clock.tick())
            key_results[kr_spec.key] = kr
            owners[kr_spec.key] = kr_spec.owner
            pending.extend(self._quarter_check_ins(phase, quarter, kr, kr_spec))

        specs = (*content.quarter_objectives(phase, quarter.name), *planted_objectives(phase))
        for spec in specs:
            obj = self._objective(spec, quarter, clock.tick())
            objectives[spec.key] = obj
            for kr_spec in spec.key_results:
                if kr_spec.key in key_results:
                    raise ValueError(f"Two key results in one quarter use {kr_spec.key!r}.")
                kr = self._key_result(obj, spec.by, kr_spec, quarter, clock.tick())
                key_results[kr_spec.key] = kr
                owners[kr_spec.key] = kr_spec.owner
                pending.extend(self._quarter_check_ins(phase, quarter, kr, kr_spec))
            for link in spec.links:
                self._align(spec, obj, link, objectives, key_results, clock.tick())
            for initiative in spec.initiatives:
                actions.create_initiative(
                    acting_user=self.people[owners[initiative.kr]],
                    key_result=key_results[initiative.kr],
                    title=initiative.title,
                    owner=self.people[initiative.owner],
                    state=initiative.state,
                )
        return pending

    def _objective(self, spec: ObjectiveSpec, cycle: Cycle, at: dt.datetime) -> Objective:
        objective = actions.create_objective(
            acting_user=self.people[spec.by],
            title=spec.title,
            level=spec.level,
            cycle=cycle,
            owner_person=self.people[spec.person] if spec.person else None,
            owner_team=self.teams[spec.team] if spec.team else None,
            description=spec.description,
            visibility=spec.visibility,
            commitment=spec.commitment,
            rationale=spec.rationale,
            progress_mode=spec.mode,
            at=at,
        )
        self.summary.objectives += 1
        return objective

    def _key_result(
        self, objective: Objective, by: str, spec: KRSpec, cycle: Cycle, at: dt.datetime
    ) -> KeyResult:
        kr = actions.create_key_result(
            acting_user=self.people[by],
            objective=objective,
            title=spec.title,
            kind=spec.kind,
            owner=self.people[spec.owner],
            start_value=spec.start,
            target_value=spec.target,
            unit=spec.unit,
            signal=spec.signal,
            weight=spec.weight,
            source=KeyResult.Source.ALIGNED if spec.aligned else KeyResult.Source.CHECK_INS,
            cycle=cycle,
            at=at,
        )
        self.summary.key_results += 1
        return kr

    def _align(
        self,
        spec: ObjectiveSpec,
        child: Objective,
        link: content.LinkSpec,
        objectives: dict[str, Objective],
        key_results: dict[str, KeyResult],
        at: dt.datetime,
    ) -> None:
        if link.parent.startswith("kr:"):
            parent_kr, parent_obj = key_results[link.parent[3:]], None
        else:
            parent_kr, parent_obj = None, objectives[link.parent]
        made = actions.align_objective(
            acting_user=self.people[spec.by],
            child=child,
            parent_objective=parent_obj,
            parent_key_result=parent_kr,
            kind=link.kind,
            weight=link.weight,
            at=at,
        )
        if made.is_pending:
            # Proposed by someone who may not edit the parent: its owner accepted it then.
            parent = parent_obj or parent_kr.objective  # type: ignore[union-attr]
            decider = Person.objects.get(pk=objective_deciders(parent)[0])
            actions.accept_alignment(acting_user=decider, link=made, at=at)

    # -- check-ins -------------------------------------------------------------------

    def _quarter_check_ins(
        self, phase: str, quarter: Cycle, kr: KeyResult, spec: KRSpec
    ) -> list[_Pending]:
        if spec.aligned:
            return []
        rng = self.rng(phase, spec.key)
        readings = quarter_readings(spec, rng)
        out = []
        for week, (value, done) in enumerate(readings, start=1):
            when = self.plan.week_time(quarter, week, rng.randrange(0, 150))
            if when >= self.plan.now:
                break
            out.append(_Pending(when, kr, spec, week, value, done, week / WEEKS, True))
        return out

    def _annual_check_ins(
        self, phase: str, quarter: Cycle, year: Cycle, kr: KeyResult, spec: KRSpec
    ) -> list[_Pending]:
        """Weekly readings of an annual key result during one quarter. Its story (breaches,
        notes) plays out in the previous quarter."""
        if quarter.parent_id != year.pk:
            return []
        start, end = year.bounds(self.plan.tz.key)
        rng = self.rng(year.name, quarter.name, spec.key)
        story = phase == PREVIOUS
        breaches = spec.breach_weeks if story else ()
        out = []
        for week in range(1, WEEKS + 1):
            when = self.plan.week_time(quarter, week, rng.randrange(0, 150))
            if when >= self.plan.now or not start <= when < end:
                continue
            share = (when - start) / (end - start)
            value = annual_reading(spec, rng, share, week, breaches)
            out.append(_Pending(when, kr, spec, week, value, None, share, story))
        return out

    def _record(self, pending: Sequence[_Pending]) -> None:
        last_note: dict[int, str] = {}
        for item in sorted(pending, key=lambda p: (p.when, p.key_result.pk)):
            rng = self.rng("words", item.spec.key, item.when.date(), item.week)
            confidence = confidence_for(item.spec, item.value, item.done, item.expected, rng)
            note, blockers = words_for(
                item.spec,
                item.week,
                confidence,
                rng,
                item.story,
                last_note.get(item.key_result.pk, ""),
            )
            if note:
                last_note[item.key_result.pk] = note
            actions.record_check_in(
                acting_user=self.people[item.spec.owner],
                key_result=item.key_result,
                confidence=confidence,
                value=item.value,
                done=item.done,
                note=note,
                blockers=blockers,
                at=item.when,
            )
            self.summary.check_ins += 1


class _Clock:
    """Hands out increasing timestamps, one minute apart, for a burst of planning writes."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def tick(self) -> dt.datetime:
        self.current += dt.timedelta(minutes=1)
        return self.current


# ---------------------------------------------------------------------------------------
# Questions the command asks


def holds_only_demo_data() -> bool:
    """True when every person and team in the database is one the demo creates."""
    return (
        not Person.objects.exclude(username__in=DEMO_USERNAMES).exists()
        and not Team.objects.exclude(slug__in=DEMO_TEAM_SLUGS).exists()
    )


def login_rows(everyone: bool = False) -> list[tuple[str, str, str]]:
    """(role, username, name) of the demo's people who exist in the database."""
    existing = {p.username: p for p in Person.objects.filter(username__in=DEMO_USERNAMES)}
    rows = []
    for spec in content.PEOPLE:
        person = existing.get(spec.username)
        if person is None or not (everyone or spec.role):
            continue
        rows.append((spec.role or spec.title, spec.username, person.name))
    return rows


def load_demo(*, today: dt.date | None = None, seed: int = DEFAULT_SEED) -> Summary:
    return DemoLoader(today=today, seed=seed).load()
