"""A team published its retrospective of a cycle: its lead and members (but the one who
published it) are told in their inbox, and by email if they chose it. The message names the
team and the cycle, never the retrospective's text. Each person is told once per
retrospective (its key names it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lineofsight.goals.models import TeamRetrospective
from lineofsight.integrations import actions as outbox
from lineofsight.integrations import compose
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person


def _batch(retro_id: int, by_id: int | None) -> list:
    retro = TeamRetrospective.objects.select_related("team", "cycle").get(pk=retro_id)
    team = retro.team
    by = Person.objects.filter(pk=by_id).first() if by_id else None
    told = Person.objects.filter(is_active=True).filter(pk__in=team.members.values("pk"))
    if team.lead_id:
        told = told | Person.objects.filter(pk=team.lead_id, is_active=True)
    if by_id:
        told = told.exclude(pk=by_id)
    path = reverse("team-retrospective", args=[team.pk, retro.cycle_id])
    key = f"team_retro:{retro.pk}"
    batch = []
    for person in told.distinct().order_by("pk"):
        message = compose.team_retrospective_published(
            name=person.name,
            published_by=by.name if by else "Someone",
            team=team.name,
            cycle=retro.cycle.name,
            url=settings.SITE_URL + path,
        )
        batch.append(outbox.email(person, Notification.Kind.TEAM_RETRO, key, message, path))
    return batch


def published(sender: Any, retrospective: TeamRetrospective, by: Person | None, **kw: Any) -> None:
    retro_id, by_id = retrospective.pk, by.pk if by else None

    def run() -> None:
        batch = _batch(retro_id, by_id)
        if batch:
            outbox.queue_notifications(acting_user=None, messages=batch, run="team_retro")

    transaction.on_commit(run, robust=True)
