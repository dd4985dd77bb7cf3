"""Reading blockers: the ones assigned to someone, those on a team's key results, those on
an objective's key results, one blocker with its history. Every read goes through
``Blocker.objects.visible_to`` (the key result's objective's visibility), in a fixed number
of queries whatever the number of blockers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q
from django.utils import timezone

from lineofsight.core.errors import NotFound
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Blocker, BlockerEvent, KeyResult
from lineofsight.people.models import Membership, Person, Team

HOME_LIMIT = 20
TEAM_LIMIT = 50


def _base(user: Person):  # type: ignore[no-untyped-def]
    return Blocker.objects.visible_to(user).select_related(
        "raised_by", "assignee", "key_result__objective", "key_result__owner"
    )


def decorate(user: Person, blockers: Iterable[Blocker]) -> list[Blocker]:
    """Set ``can_update``, ``can_assign`` and ``days_open`` on each (no queries: the key
    result's objective and the assignee are loaded with it)."""
    viewer = GoalViewer.of(user)
    now = timezone.now()
    out = list(blockers)
    for b in out:
        b.can_update = viewer.can_update_blocker(b)  # type: ignore[attr-defined]
        b.can_assign = viewer.can_assign_blocker(b)  # type: ignore[attr-defined]
        b.days_open = max(0, (now - b.open_since).days)  # type: ignore[attr-defined]
    return out


def blockers_for_user(user: Person):  # type: ignore[no-untyped-def]
    """Every blocker the person may see, with what the rows show."""
    return _base(user)


def get_blocker_for_user(user: Person, blocker_id: int) -> Blocker:
    blocker = (
        _base(user)
        .prefetch_related(
            Prefetch("events", queryset=BlockerEvent.objects.select_related("actor", "person"))
        )
        .filter(pk=blocker_id)
        .first()
    )
    if blocker is None:
        raise NotFound("No such blocker.")
    return decorate(user, [blocker])[0]


def assigned_to(user: Person, *, limit: int = HOME_LIMIT) -> tuple[list[Blocker], int]:
    """The unresolved blockers assigned to the person (oldest first) and how many in all."""
    qs = _base(user).unresolved().filter(assignee=user).order_by("open_since", "pk")
    rows = decorate(user, qs[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return rows, total


def team_filter(team: Team) -> Q:
    """Blockers on the key results of the team's objectives, of the team's members'
    objectives and of key results its members own."""
    # The members as one subquery (not joins through memberships, which multiply the rows
    # and keep the database from using its indexes: half a second at 10,000 people), and
    # the key results as a union of three indexed look-ups: one condition with OR between
    # them reads every key result and every open blocker (30 ms at 10,000 people, 3 as a
    # union).
    members = Membership.objects.filter(team=team).values("person_id")
    key_results = KeyResult.objects.order_by().values("pk")
    return Q(
        key_result_id__in=key_results.filter(objective__owner_team=team).union(
            key_results.filter(objective__owner_person_id__in=members),
            key_results.filter(owner_id__in=members),
        )
    )


def team_open(user: Person, team: Team, *, limit: int = TEAM_LIMIT) -> tuple[list[Blocker], int]:
    """The open blockers on the team's key results that the person may see."""
    # The team's open blockers first, on their own: a handful, found through indexes. As a
    # subquery of the ordered, policy-filtered read, PostgreSQL walks every blocker of the
    # organisation in date order instead (a second at 10,000 people).
    ids = list(Blocker.objects.unresolved().filter(team_filter(team)).values_list("pk", flat=True))
    if not ids:
        return [], 0
    qs = _base(user).filter(pk__in=ids).order_by("open_since", "pk")
    rows = decorate(user, qs[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return rows, total


def for_key_results(
    user: Person, key_results: Iterable[KeyResult], *, resolved_since: dt.datetime | None = None
) -> dict[int, list[Blocker]]:
    """Per key result: its unresolved blockers and those resolved since ``resolved_since``
    (default: the last 30 days), open first. The caller has checked it may see them (they
    are of one objective it shows); still filtered by the policy."""
    ids = [kr.pk for kr in key_results]
    if not ids:
        return {}
    since = resolved_since or timezone.now() - dt.timedelta(days=30)
    qs = (
        _base(user)
        .filter(key_result_id__in=ids)
        .filter(~Q(state=Blocker.State.RESOLVED) | Q(resolved_at__gte=since))
        .order_by("open_since", "pk")
    )
    out: dict[int, list[Blocker]] = defaultdict(list)
    rows = decorate(user, qs)
    for b in sorted(rows, key=lambda b: (b.state == Blocker.State.RESOLVED, b.open_since)):
        out[b.key_result_id].append(b)
    return out


def open_counts_by_owner(user: Person, people_ids: Iterable[int]) -> dict[int, int]:
    """How many unresolved blockers the person may see are on key results each of these
    people owns (one query)."""
    ids = list(people_ids)
    counts: dict[int, int] = defaultdict(int)
    for owner_id in (
        Blocker.objects.visible_to(user)
        .unresolved()
        .filter(key_result__owner_id__in=ids)
        .values_list("key_result__owner_id", flat=True)
    ):
        counts[owner_id] += 1
    return dict(counts)


def assignee_choices(user: Person, key_result: KeyResult) -> list[tuple[str, str]]:
    """Whom a blocker on this key result is usually for: the people in the teams of the
    person raising it and of the key result's owner, their managers, and the owner (a
    bounded list for the form; the API takes anyone who may see the objective)."""
    people = {user.pk, key_result.owner_id}
    people.update(user.chain_ids)
    team_ids = Team.objects.filter(
        Q(memberships__person=user) | Q(memberships__person_id=key_result.owner_id)
    ).values("pk")
    qs = (
        Person.objects.filter(is_active=True)
        .filter(Q(pk__in=people) | Q(memberships__team__in=team_ids))
        .distinct()
        .order_by("display_name", "first_name", "last_name", "pk")[:200]
    )
    return [("", "Nobody yet")] + [(str(p.pk), p.name) for p in qs]
