"""Deciding what a reminder run sends: check-in reminders, escalations and weekly digests.

``plan_run(today)`` reads the organisation once, in a small number of queries that grows
with neither the number of people nor the check-in history:

1. the organisation's settings, every key result that takes check-ins on a cadence in a
   cycle running today (with its cycle, objective and owner), the teams' cadence overrides,
   the people, teams' leads, preferences and chat webhooks (one query each);
2. the digests already sent for this digest week (one query), and when some are still to
   send, what moved: one query for the key results checked in during the past seven days,
   each with its progress before them;
3. the access policy for every recipient, with everyone's teams and the audience of each
   objective loaded once: each message lists only the key results its recipient may see
   (``IntegrationViewer.sees_objective``, the rule ``visible_to`` applies on every page).

The rules:

* **Reminders** go to owners with key results due today or overdue, one message per person
  per reminder period (``goals.due.reminder_period``: their week, fortnight or month),
  listing those key results.
* **Escalations** go to an owner's manager once the owner has missed the organisation's
  "escalate after" number of check-ins in a row on a key result, once per streak
  (``goals.due.escalation_streak``). People without a manager are not escalated.
* **Blocker escalations** go up the manager chain of a blocker's assignee (of its raiser
  when nobody is assigned) once it has been unresolved for the organisation's "escalate
  blockers after" number of days since it was raised or last reopened: the nearest manager
  after one period, the next one up after two, and so on, each once
  (``blocker:<id>:<open since>:<step>``), and only to someone who may see the key
  result's objective.
* **Digests** go once per digest week (``goals.due.digest_week``: seven days from the
  organisation's digest weekday) to everyone who manages people or leads a team, from the
  first run on or after the weekday: a week whose weekday had no run catches up at the next
  one, and nobody gets two digests for one week (``goals.due.digest_due``). A digest
  lists the key results owned by their direct reports and those of the objectives of the
  teams they lead, with their status from pace, missed check-ins and what moved in the seven
  days before the run. People who turned their digest off get none; those who chose their
  team's chat channel get it there, listing only key results of public objectives (a channel
  is shared), or by email when none of their teams has a channel connected.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from lineofsight.goals import due as due_rules
from lineofsight.goals.audiences import objective_audiences
from lineofsight.goals.due import Due
from lineofsight.goals.models import Blocker, CheckIn, KeyResult, Objective
from lineofsight.goals.pace import PaceThresholds, key_result_pace
from lineofsight.goals.tracking.check_ins_due import trackable_key_results
from lineofsight.integrations import compose
from lineofsight.integrations import oneonones as one_on_ones
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.actions import Outgoing
from lineofsight.integrations.models import (
    InboxItem,
    Notification,
    NotificationPreference,
    TeamWebhook,
)
from lineofsight.people.models import Membership, Organisation, Person, Team


@dataclass
class Fact:
    """What a run needs to know about one key result."""

    pk: int
    title: str
    kind: str
    progress: float
    done: bool
    confidence: str
    last_check_in_at: dt.datetime | None
    owner_id: int
    objective_id: int
    objective_title: str
    public: bool
    owner_team_id: int | None
    cycle_start: dt.date
    cycle_end: dt.date
    cycle_cadence: str
    created_at: dt.datetime
    due: Due | None = None
    began: dt.date | None = None  # the day it was created, in the organisation's time zone


@dataclass
class RunPlan:
    today: dt.date
    digest_week: dt.date  # the first day of the digest week today falls in
    messages: list[Outgoing] = field(default_factory=list)
    recipients_checked: int = 0
    digests_before: int = 0  # digests earlier runs queued for this digest week's recipients

    def counts(self) -> dict[str, int]:
        out = {kind: 0 for kind in Notification.Kind.values}
        for message in self.messages:
            out[message.kind] += 1
        return out


def _team_overrides() -> dict[int, str]:
    """Each person's most frequent team cadence override (only people who have one)."""
    by_person: dict[int, list[str]] = defaultdict(list)
    for person_id, cadence in (
        Membership.objects.exclude(team__check_in_cadence="")
        .order_by()
        .values_list("person_id", "team__check_in_cadence")
    ):
        by_person[person_id].append(cadence)
    out = {}
    for person_id, cadences in by_person.items():
        chosen = due_rules.most_frequent(cadences)
        if chosen is not None:
            out[person_id] = chosen.value
    return out


def load_facts(today: dt.date, tz: zoneinfo.ZoneInfo) -> list[Fact]:
    """Every key result taking check-ins in a cycle running today, with its due state."""
    rows = (
        trackable_key_results(KeyResult.objects.all())
        .filter(cycle__start_date__lte=today, cycle__end_date__gte=today)
        .order_by()
        .values_list(
            "pk",
            "title",
            "kind",
            "progress",
            "done",
            "confidence",
            "last_check_in_at",
            "owner_id",
            "objective_id",
            "objective__title",
            "objective__visibility",
            "objective__owner_team_id",
            "cycle__start_date",
            "cycle__end_date",
            "cycle__check_in_cadence",
            "created_at",
        )
    )
    overrides = _team_overrides()
    facts = []
    for row in rows:
        fact = Fact(*row[:10], row[10] == Objective.Visibility.PUBLIC, *row[11:])
        cadence = due_rules.effective_cadence(
            fact.cycle_cadence, [overrides.get(fact.owner_id, "")]
        )
        last = None
        if fact.last_check_in_at is not None:
            last = fact.last_check_in_at.astimezone(tz).date()
        fact.began = fact.created_at.astimezone(tz).date()
        fact.due = due_rules.due(
            cycle_start=fact.cycle_start,
            cycle_end=fact.cycle_end,
            last_check_in=last,
            cadence=cadence,
            today=today,
            began=fact.began,
        )
        facts.append(fact)
    return facts


class Visibility:
    """Which key results each recipient may see: the access policy's rule
    (``IntegrationViewer.sees_objective``, the same rule as ``visible_to``) applied to every
    key result any of their messages would list, with the teams of everyone and the audience
    of every objective loaded once (a few queries in all, whatever the number of recipients)."""

    def __init__(self, people: dict[int, Person], facts: list[Fact]) -> None:
        self.people = people
        self.objective_of = {f.pk: f.objective_id for f in facts}
        self.wanted: dict[int, set[int]] = defaultdict(set)
        self.visible: dict[int, set[int]] = {}

    def want(self, person_id: int, key_result_ids: Iterable[int]) -> None:
        self.wanted[person_id].update(key_result_ids)

    def resolve(self) -> int:
        recipients = [self.people[pid] for pid in self.wanted if pid in self.people]
        memberships: dict[int, list[tuple[int, str]]] = defaultdict(list)
        person_teams: dict[int, set[int]] = defaultdict(set)
        for person_id, team_id, path in Membership.objects.order_by().values_list(
            "person_id", "team_id", "team__path"
        ):
            memberships[person_id].append((team_id, path))
            person_teams[person_id].add(team_id)
        led: dict[int, set[int]] = defaultdict(set)
        for team_id, lead_id in Team.objects.exclude(lead=None).values_list("pk", "lead_id"):
            led[lead_id].add(team_id)
        IntegrationViewer.preload_from(recipients, memberships, led)
        objectives = {self.objective_of[kr] for ids in self.wanted.values() for kr in ids}
        audiences = objective_audiences(objectives, person_teams)
        for person in recipients:
            viewer = IntegrationViewer.of(person)
            seen_objectives: dict[int, bool] = {}
            visible: set[int] = set()
            for kr in self.wanted[person.pk]:
                objective = self.objective_of[kr]
                if objective not in seen_objectives:
                    seen_objectives[objective] = viewer.sees_objective(audiences[objective])
                if seen_objectives[objective]:
                    visible.add(kr)
            self.visible[person.pk] = visible
        return len(recipients)

    def sees(self, person_id: int, key_result_id: int) -> bool:
        return key_result_id in self.visible.get(person_id, set())


def _people() -> dict[int, Person]:
    people = Person.objects.filter(is_active=True).only(
        "id",
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "manager_id",
        "manager_path",
        "is_hr_admin",
        "is_active",
    )
    return {p.pk: p for p in people}


def _line(fact: Fact, people: dict[int, Person]) -> compose.DueLine:
    owner = people.get(fact.owner_id)
    assert fact.due is not None
    return compose.DueLine(
        fact.pk, fact.title, fact.objective_title, owner.name if owner else "", fact.due
    )


def _site(site_url: str, name: str, *args: object) -> str:
    return site_url + reverse(name, args=args)


@dataclass
class _Org:
    tz: zoneinfo.ZoneInfo
    thresholds: PaceThresholds
    escalate_after: int
    digest_weekday: int
    blocker_days: int


def _organisation() -> _Org:
    org = Organisation.current()
    return _Org(
        zoneinfo.ZoneInfo(org.time_zone),
        PaceThresholds(on_track=org.pace_on_track, off_track=org.pace_off_track),
        org.escalate_after_misses,
        org.digest_weekday,
        org.blocker_escalation_days,
    )


def plan_run(today: dt.date, *, site_url: str) -> RunPlan:
    """Everything a run on ``today`` would send (before leaving out what was sent already)."""
    org = _organisation()
    week = due_rules.digest_week(today, org.digest_weekday)
    plan = RunPlan(today, week)
    facts = load_facts(today, org.tz)
    people = _people()
    visibility = Visibility(people, facts)
    check_in_url = _site(site_url, "check-in")

    due_by_owner: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.due is not None and fact.due.is_due and fact.owner_id in people:
            due_by_owner[fact.owner_id].append(fact)
    for owner_id, owned in due_by_owner.items():
        visibility.want(owner_id, (f.pk for f in owned))

    escalations: dict[int, tuple[dt.date, list[Fact]]] = {}
    for owner_id, owned in due_by_owner.items():
        streak = due_rules.escalation_streak((f.due for f in owned if f.due), org.escalate_after)
        manager_id = people[owner_id].manager_id
        if streak is None or manager_id is None or manager_id not in people:
            continue
        missed = [f for f in owned if f.due and f.due.missed >= max(1, org.escalate_after)]
        escalations[owner_id] = (streak, missed)
        visibility.want(manager_id, (f.pk for f in missed))

    digests: dict[int, list[Fact]] = {}
    sent_weeks = _digests_sent(week)
    for manager_id, scope in _digest_scopes(facts, people).items():
        sent = sent_weeks.get(manager_id, [])
        if due_rules.digest_due(week, sent):
            digests[manager_id] = scope
            visibility.want(manager_id, (f.pk for f in scope))
        else:
            plan.digests_before += len(sent)

    blocker_steps = _blocker_steps(today, org, people)
    for step in blocker_steps:
        visibility.objective_of[step.key_result_id] = step.objective_id
        visibility.want(step.recipient_id, [step.key_result_id])

    plan.recipients_checked = visibility.resolve()

    for owner_id, owned in due_by_owner.items():
        person = people[owner_id]
        seen = [f for f in owned if visibility.sees(owner_id, f.pk)]
        period = due_rules.reminder_period((f.due for f in seen if f.due), today)
        if period is None:
            continue
        cadence, window = period
        message = compose.reminder(
            name=person.name, items=[_line(f, people) for f in seen], check_in_url=check_in_url
        )
        plan.messages.append(
            Outgoing(
                owner_id,
                Notification.Kind.REMINDER,
                Notification.Channel.EMAIL,
                f"reminder:{cadence.value}:{window.isoformat()}",
                message.subject,
                message.body,
                address=person.email,
                key_results=tuple((f.pk, f.title, f.kind == "milestone") for f in seen),
            )
        )

    for owner_id, (streak, missed) in escalations.items():
        owner = people[owner_id]
        manager_id = owner.manager_id
        assert manager_id is not None
        manager = people[manager_id]
        seen = [f for f in missed if visibility.sees(manager_id, f.pk)]
        if not seen:
            continue
        message = compose.escalation(
            manager_name=manager.name,
            owner_name=owner.name,
            items=[_line(f, people) for f in seen],
            after_misses=max(1, org.escalate_after),
            person_url=_site(site_url, "person", owner_id),
            check_in_url=check_in_url,
        )
        plan.messages.append(
            Outgoing(
                manager_id,
                Notification.Kind.ESCALATION,
                Notification.Channel.EMAIL,
                f"escalation:{owner_id}:{streak.isoformat()}",
                message.subject,
                message.body,
                address=manager.email,
            )
        )

    for step in blocker_steps:
        if not visibility.sees(step.recipient_id, step.key_result_id):
            continue
        manager = people[step.recipient_id]
        message = compose.blocker_escalation(
            manager_name=manager.name,
            line=step.line(people, _site(site_url, "blocker", step.blocker_id)),
            limit_days=org.blocker_days,
        )
        plan.messages.append(
            Outgoing(
                step.recipient_id,
                Notification.Kind.BLOCKER,
                Notification.Channel.EMAIL,
                step.key,
                message.subject,
                message.body,
                address=manager.email,
            )
        )

    plan.messages.extend(one_on_ones.tomorrow(today, site_url=site_url, tz=org.tz))
    if digests:
        plan.messages.extend(
            _digest_messages(today, week, org, digests, people, visibility, site_url)
        )
    plan.messages.extend(_daily_summaries(today, people, site_url))
    return plan


# -- daily summaries -------------------------------------------------------------------------

DAILY_KEY = "daily:"
DAILY_LOOKBACK = dt.timedelta(days=7)  # unread messages older than this are not listed again


def _daily_summaries(today: dt.date, people: dict[int, Person], site_url: str) -> list[Outgoing]:
    """One email a day to each person who chose the daily summary and has unread messages in
    their inbox (three queries, whatever the number of people). Its key names the day, so a
    second run that day sends nothing."""
    chosen = set(
        NotificationPreference.objects.filter(
            email_mode=NotificationPreference.EmailMode.DAILY
        ).values_list("person_id", flat=True)
    )
    chosen &= set(people)
    if not chosen:
        return []
    key = f"{DAILY_KEY}{today.isoformat()}"
    sent = set(
        Notification.objects.filter(
            kind=Notification.Kind.DAILY, dedupe_key=key, recipient_id__in=chosen
        ).values_list("recipient_id", flat=True)
    )
    since = timezone.now() - DAILY_LOOKBACK
    unread: dict[int, list[compose.InboxLine]] = defaultdict(list)
    for recipient_id, subject, url in (
        InboxItem.objects.filter(
            recipient_id__in=chosen - sent, read_at=None, created_at__gte=since
        )
        .order_by("recipient_id", "-created_at", "-pk")
        .values_list("recipient_id", "subject", "url")
    ):
        unread[recipient_id].append(compose.InboxLine(subject, site_url + url if url else ""))
    inbox_url = _site(site_url, "inbox")
    out = []
    for person_id, lines in unread.items():
        person = people[person_id]
        message = compose.daily_summary(
            name=person.name, unread=len(lines), items=lines, inbox_url=inbox_url
        )
        out.append(
            Outgoing(
                person_id,
                Notification.Kind.DAILY,
                Notification.Channel.EMAIL,
                key,
                message.subject,
                message.body,
                address=person.email,
            )
        )
    return out


# -- blocker escalations -----------------------------------------------------------------------

BLOCKER_KEY = "blocker:"


@dataclass(frozen=True)
class BlockerStep:
    """One step of one blocker's escalation: who is told, and what of."""

    blocker_id: int
    step: int
    recipient_id: int
    open_since: dt.datetime
    days_open: int
    text: str
    state: str
    assignee_id: int | None
    raised_by_id: int
    key_result_id: int
    key_result_title: str
    objective_id: int
    objective_title: str

    @property
    def key(self) -> str:
        return f"{BLOCKER_KEY}{self.blocker_id}:{self.open_since.isoformat()}:{self.step}"

    def line(self, people: dict[int, Person], url: str) -> compose.BlockerLine:
        assignee = people.get(self.assignee_id) if self.assignee_id else None
        raiser = people.get(self.raised_by_id)
        return compose.BlockerLine(
            text=self.text,
            key_result_title=self.key_result_title,
            objective_title=self.objective_title,
            days_open=self.days_open,
            state_label=Blocker.State(self.state).label,
            assignee_name=assignee.name if assignee else "",
            raiser_name=raiser.name if raiser else "someone who has left",
            url=url,
        )


def parse_blocker_key(key: str) -> tuple[int, int] | None:
    """(blocker, step) of a blocker escalation's dedupe key."""
    if not key.startswith(BLOCKER_KEY):
        return None
    blocker, _, rest = key.removeprefix(BLOCKER_KEY).partition(":")
    return int(blocker), int(rest.rsplit(":", 1)[1])


def _blocker_steps(today: dt.date, org: _Org, people: dict[int, Person]) -> list[BlockerStep]:
    """Every step due by today of every blocker unresolved past the limit (one query): the
    n-th manager above the assignee (or raiser) once it has been open n periods."""
    limit = max(1, org.blocker_days)
    cutoff = dt.datetime.combine(today - dt.timedelta(days=limit - 1), dt.time.min, tzinfo=org.tz)
    rows = (
        Blocker.objects.unresolved()
        .filter(open_since__lt=cutoff)
        .order_by("open_since", "pk")
        .values_list(
            "pk",
            "open_since",
            "text",
            "state",
            "assignee_id",
            "raised_by_id",
            "key_result_id",
            "key_result__title",
            "key_result__objective_id",
            "key_result__objective__title",
        )
    )
    out = []
    for pk, since, text, state, assignee_id, raiser_id, kr, kr_title, obj, obj_title in rows:
        days = (today - since.astimezone(org.tz).date()).days
        base = people.get(assignee_id) if assignee_id else None
        base = base or people.get(raiser_id)
        if base is None:
            continue
        chain = [pid for pid in base.chain_ids if pid in people]
        for step in range(1, min(days // limit, len(chain)) + 1):
            out.append(
                BlockerStep(
                    pk,
                    step,
                    chain[step - 1],
                    since,
                    days,
                    text,
                    state,
                    assignee_id,
                    raiser_id,
                    kr,
                    kr_title,
                    obj,
                    obj_title,
                )
            )
    return out


# -- digests -----------------------------------------------------------------------------------

DIGEST_KEY = "digest:"


def _digests_sent(week: dt.date) -> dict[int, list[dt.date]]:
    """Per person, the weeks of the digests queued for them that overlap the digest week
    starting on ``week`` (a digest's key names its week): one query, one row per message."""
    keys = [f"{DIGEST_KEY}{day.isoformat()}" for day in due_rules.digest_weeks_near(week)]
    sent: dict[int, list[dt.date]] = defaultdict(list)
    for recipient_id, key in (
        Notification.objects.filter(kind=Notification.Kind.DIGEST, dedupe_key__in=keys)
        .order_by()
        .values_list("recipient_id", "dedupe_key")
    ):
        sent[recipient_id].append(dt.date.fromisoformat(key.removeprefix(DIGEST_KEY)))
    return sent


def _digest_scopes(facts: list[Fact], people: dict[int, Person]) -> dict[int, list[Fact]]:
    """Per manager or team lead: their direct reports' key results and those of the
    objectives of the teams they lead."""
    led: dict[int, set[int]] = defaultdict(set)
    for team_id, lead_id in Team.objects.filter(lead__isnull=False).values_list("pk", "lead_id"):
        if lead_id in people:
            led[lead_id].add(team_id)
    lead_of_team = {team_id: lead for lead, teams in led.items() for team_id in teams}
    scopes: dict[int, dict[int, Fact]] = defaultdict(dict)
    for fact in facts:
        owner = people.get(fact.owner_id)
        if owner is not None and owner.manager_id in people:
            scopes[owner.manager_id][fact.pk] = fact  # type: ignore[index]
        if fact.owner_team_id is not None and fact.owner_team_id in lead_of_team:
            scopes[lead_of_team[fact.owner_team_id]][fact.pk] = fact
    return {pid: list(scope.values()) for pid, scope in scopes.items() if scope}


def _moved(today: dt.date, tz: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dict[int, float | None]]:
    """Key results checked in since the same day last week, each with its progress before
    that week (None when it had no reading in its cycle before)."""
    since_day = due_rules.digest_since(today)
    since = dt.datetime.combine(since_day, dt.time.min, tzinfo=tz)
    before = (
        CheckIn.objects.filter(key_result=OuterRef("pk"), recorded_at__lt=since)
        .order_by("-recorded_at", "-pk")
        .values("progress")[:1]
    )
    rows = (
        trackable_key_results(KeyResult.objects.all())
        .filter(
            cycle__start_date__lte=today,
            cycle__end_date__gte=today,
            last_check_in_at__gte=since,
        )
        .annotate(before=Subquery(before))
        .order_by()
        .values_list("pk", "before")
    )
    return since, dict(rows)


def _chat_channels(
    managers: Iterable[int],
) -> tuple[dict[int, NotificationPreference], dict[int, list[TeamWebhook]], dict[int, list[int]]]:
    prefs = {
        p.person_id: p for p in NotificationPreference.objects.filter(person_id__in=list(managers))
    }
    hooks: dict[int, list[TeamWebhook]] = defaultdict(list)
    for hook in TeamWebhook.objects.order_by("kind"):
        hooks[hook.team_id].append(hook)
    led: dict[int, list[int]] = defaultdict(list)
    for team_id, lead_id in (
        Team.objects.filter(lead__isnull=False).order_by("name").values_list("pk", "lead_id")
    ):
        led[lead_id].append(team_id)
    return prefs, hooks, led


def _digest_messages(
    today: dt.date,
    week: dt.date,
    org: _Org,
    scopes: dict[int, list[Fact]],
    people: dict[int, Person],
    visibility: Visibility,
    site_url: str,
) -> list[Outgoing]:
    since, moved = _moved(today, org.tz)
    prefs, hooks, led = _chat_channels(scopes)
    out: list[Outgoing] = []
    line_of: dict[int, compose.DigestLine] = {}
    for manager_id, scope in scopes.items():
        pref = prefs.get(manager_id)
        if pref is not None and pref.digest == NotificationPreference.Digest.OFF:
            continue
        manager = people[manager_id]
        visible = [f for f in scope if visibility.sees(manager_id, f.pk)]
        if not visible:
            continue
        for f in visible:  # a key result reads the same in every digest listing it
            if f.pk not in line_of:
                line_of[f.pk] = _digest_line(f, today, org, since, moved, people)
        lines = [line_of[f.pk] for f in visible]
        channels: list[TeamWebhook] = []
        note = ""
        if pref is not None and pref.digest_channel == NotificationPreference.DigestChannel.CHAT:
            team_ids = [pref.digest_team_id] if pref.digest_team_id else led.get(manager_id, [])
            channels = next((hooks[t] for t in team_ids if t and hooks.get(t)), [])
            if not channels:
                note = (
                    "Your digest is set to go to your team's chat channel, but none is "
                    "connected, so it comes by email."
                )
        key = f"{DIGEST_KEY}{week.isoformat()}"
        for hook in channels:
            public = [line for line, f in zip(lines, visible, strict=True) if f.public]
            message = compose.digest(
                compose.Digest(
                    manager.name,
                    today,
                    due_rules.digest_since(today),
                    public,
                    len(lines) - len(public),
                    site_url + "/",
                    shared_channel=True,
                )
            )
            out.append(
                Outgoing(
                    manager_id,
                    Notification.Kind.DIGEST,
                    hook.kind,
                    key,
                    message.subject,
                    message.body,
                    webhook_id=hook.pk,
                )
            )
        if channels:
            continue
        message = compose.digest(
            compose.Digest(
                manager.name,
                today,
                due_rules.digest_since(today),
                lines,
                len(scope) - len(visible),
                site_url + "/",
            )
        )
        body = f"{note}\n\n{message.body}" if note else message.body
        out.append(
            Outgoing(
                manager_id,
                Notification.Kind.DIGEST,
                Notification.Channel.EMAIL,
                key,
                message.subject,
                body,
                address=manager.email,
            )
        )
    return out


def _digest_line(
    fact: Fact,
    today: dt.date,
    org: _Org,
    since: dt.datetime,
    moved: dict[int, float | None],
    people: dict[int, Person],
) -> compose.DigestLine:
    assert fact.due is not None
    last = None if fact.last_check_in_at is None else fact.last_check_in_at.astimezone(org.tz)
    pace = key_result_pace(
        kind=fact.kind,
        progress=fact.progress,
        cycle_start=fact.cycle_start,
        cycle_end=fact.cycle_end,
        today=today,
        last_check_in=last.date() if last else None,
        cadence=fact.due.cadence,
        thresholds=org.thresholds,
        done=fact.done,
        began=fact.began,
    )
    this_week = last is not None and last >= since
    before = moved.get(fact.pk) if this_week else None
    owner = people.get(fact.owner_id)
    return compose.DigestLine(
        key_result_id=fact.pk,
        objective_id=fact.objective_id,
        title=fact.title,
        objective_title=fact.objective_title,
        owner_name=owner.name if owner else "",
        progress=fact.progress,
        confidence=fact.confidence,
        pace=pace.status,
        missed=fact.due.missed,
        moved_from=(before if before is not None else 0.0) if this_week else None,
        checked_in_this_week=this_week,
    )
