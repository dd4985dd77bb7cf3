"""A team's retrospective of a cycle: written together by its lead and members, kept in
versions, published by the lead.

Two people may have the page open at once. Every save names the version it was based on; a
save based on an older version than the latest is refused (``Conflict``) and changes
nothing, so one person's save never silently replaces another's. Every save keeps a
version of its own (the history). The text of the retrospective is never copied into the
audit log: a draft is the team's alone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.goals import signals
from lineofsight.goals.actions._common import TEXT_MAX, _text, _viewer
from lineofsight.goals.models import (
    Cycle,
    Objective,
    TeamRetrospective,
    TeamRetrospectiveLink,
    TeamRetrospectiveSection,
    TeamRetrospectiveVersion,
)
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import organisation_time_zone

OPENS_DAYS_BEFORE_END = 13  # the last two weeks, the end day included
SECTIONS = ("what_moved", "what_did_not_move", "learned", "will_change")


def opens_on(cycle: Cycle) -> dt.date:
    """The first day a team may write its retrospective of ``cycle``."""
    return cycle.end_date - dt.timedelta(days=OPENS_DAYS_BEFORE_END)


def is_open(cycle: Cycle, today: dt.date) -> bool:
    """Writing opens in the cycle's last two weeks and stays open once it has closed."""
    return cycle.is_closed or (cycle.state != Cycle.State.PLANNING and today >= opens_on(cycle))


def today() -> dt.date:
    """Today in the organisation's time zone."""
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(organisation_time_zone())).date()


def _check_open(cycle: Cycle) -> None:
    if not is_open(cycle, today()):
        raise InvalidInput.one(
            "cycle",
            f"The retrospective of {cycle.name} opens on {opens_on(cycle):%-d %B %Y}, "
            "two weeks before the cycle ends.",
        )


def _links(
    errors: dict[str, str],
    writer: Person,
    team: Team,
    cycle: Cycle,
    links: Mapping[str, Sequence[int]],
) -> dict[str, list[int]]:
    """The team's objectives of the cycle each section names: only those the writer sees."""
    allowed = set(
        Objective.objects.visible_to(writer)
        .filter(owner_team=team, cycle=cycle)
        .values_list("pk", flat=True)
    )
    out: dict[str, list[int]] = {}
    for section, ids in links.items():
        if section not in TeamRetrospectiveSection.values:
            names = ", ".join(TeamRetrospectiveSection.values)
            errors["links"] = f"{section!r} is not a section; choose from {names}."
            continue
        wanted = []
        for pk in ids:
            if pk not in allowed:
                errors["links"] = f"{pk} is not one of {team.name}'s objectives in {cycle.name}."
            elif pk not in wanted:
                wanted.append(pk)
        if wanted:
            out[section] = wanted
    return out


def _stale(retro: TeamRetrospective) -> Conflict:
    who = retro.updated_by.name if retro.updated_by else "Someone"
    when = timezone.localtime(retro.updated_at).strftime("%-d %b %Y %H:%M")
    return Conflict(
        {
            "version": f"{who} saved this retrospective ({when}, version {retro.version}) after "
            "you opened it, so your changes were not saved. Reload to see theirs, then add yours."
        }
    )


@transaction.atomic
def save_team_retrospective(
    *,
    acting_user: Person,
    team: Team,
    cycle: Cycle,
    what_moved: str = "",
    what_did_not_move: str = "",
    learned: str = "",
    will_change: str = "",
    links: Mapping[str, Sequence[int]] | None = None,
    base_version: int | None = None,
) -> TeamRetrospective:
    """Write (or rewrite) ``team``'s retrospective of ``cycle``. ``base_version`` is the
    version the writer started from (none for a new one); an older one is refused."""
    viewer = _viewer(acting_user)
    if not viewer.writes_team_retrospective(team):
        raise NotAllowed(f"Only {team.name}'s lead and members write its retrospective.")
    _check_open(cycle)
    errors: dict[str, str] = {}
    texts = {
        name: _text(errors, name, value, required=False, limit=TEXT_MAX)
        for name, value in zip(
            SECTIONS, (what_moved, what_did_not_move, learned, will_change), strict=True
        )
    }
    if not errors and not any(texts.values()):
        errors["what_moved"] = "Write at least one section."
    chosen = _links(errors, acting_user, team, cycle, links or {})
    if errors:
        raise InvalidInput(errors)
    retro = (
        TeamRetrospective.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(team=team, cycle=cycle)
        .first()
    )
    now = timezone.now()
    if retro is None:
        if base_version:
            raise InvalidInput.one("version", "There is no retrospective of that version.")
        retro = TeamRetrospective(team=team, cycle=cycle, created_at=now, version=0)
    elif base_version != retro.version:
        raise _stale(retro)
    for name, value in texts.items():
        setattr(retro, name, value)
    retro.version += 1
    retro.updated_by = acting_user
    retro.updated_at = now
    try:
        with transaction.atomic():
            retro.save()
    except IntegrityError:
        # Someone else wrote the first version at the same moment.
        raise _stale(
            TeamRetrospective.objects.select_related("updated_by").get(team=team, cycle=cycle)
        ) from None
    retro.links.all().delete()
    TeamRetrospectiveLink.objects.bulk_create(
        TeamRetrospectiveLink(retrospective=retro, section=section, objective_id=pk)
        for section, ids in chosen.items()
        for pk in ids
    )
    TeamRetrospectiveVersion.objects.create(
        retrospective=retro,
        version=retro.version,
        links=chosen,
        saved_by=acting_user,
        saved_at=now,
        **texts,
    )
    audit.record(
        actor=acting_user,
        action="team.retrospective",
        subject=retro,
        data={
            "team": team.pk,
            "cycle": cycle.pk,
            "version": retro.version,
            "sections": [name for name, value in texts.items() if value],
        },
    )
    return retro


@transaction.atomic
def publish_team_retrospective(
    *, acting_user: Person, team: Team, cycle: Cycle
) -> TeamRetrospective:
    """Publish the retrospective: from then on whoever may see the team's objectives of the
    cycle reads it, and the team is told. Publishing it again changes nothing."""
    viewer = _viewer(acting_user)
    if not viewer.can_publish_team_retrospective(team):
        who = "lead" if team.lead_id else "members"
        raise NotAllowed(f"Only {team.name}'s {who} publish its retrospective.")
    _check_open(cycle)
    retro = TeamRetrospective.objects.select_for_update().filter(team=team, cycle=cycle).first()
    if retro is None:
        raise InvalidInput.one("retrospective", "Write the retrospective before publishing it.")
    if retro.is_published:
        return retro
    retro.state = TeamRetrospective.State.PUBLISHED
    retro.published_at = timezone.now()
    retro.published_by = acting_user
    retro.save(update_fields=["state", "published_at", "published_by"])
    audit.record(
        actor=acting_user,
        action="team.retrospective.publish",
        subject=retro,
        data={"team": team.pk, "cycle": cycle.pk, "version": retro.version},
    )
    signals.team_retrospective_published.send(
        sender=TeamRetrospective, retrospective=retro, by=acting_user
    )
    return retro
