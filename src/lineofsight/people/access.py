"""The access policy's base: who the viewer is, and the rules about people.

The access policy is one policy, written beside the models it rules and composed in one
place (``lineofsight.access``):

* ``people.access.PersonViewer``: who I am (HR or not, my teams, the teams I lead), people;
* ``goals.access.GoalViewer``: objectives, key results, check-ins, initiatives, alignment,
  closing a cycle, calibrated confidence;
* ``insights.access.InsightViewer``: dashboards' stored figures;
* ``integrations.access.IntegrationViewer``: notifications and chat channels;
* ``reviews.access.ReviewViewer``: reviews, feedback, anonymity, calibration, recognition;
* ``coach.access.CoachViewer``: acknowledging the coach's findings (it reads reviews too).

Each part extends the one below it, and ``lineofsight.access.Viewer`` inherits them all.
Code asks the part its app knows (``GoalViewer.of(user)``) and gets the one composed viewer
of that person, so every rule is decided in one object, once per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Value

from lineofsight.people.models import Membership, Team

if TYPE_CHECKING:
    from lineofsight.people.models import Person


class PersonViewer:
    """What the policy needs to know about one signed-in person, computed once per request.

    Team memberships are read lazily (two small queries), only when a rule needs them.
    """

    def __init__(self, person: Person) -> None:
        self.person = person
        self._teams: tuple[frozenset[int], frozenset[int], frozenset[int]] | None = None

    # The composed policy (``lineofsight.access.Viewer``), set when the apps are ready.
    policy: ClassVar[type[PersonViewer] | None] = None

    @classmethod
    def of(cls, person: Person) -> Self:
        """The one viewer of this person (kept on it for the request), as the part of the
        policy the caller asks for: ``GoalViewer.of(user)`` in the goals app,
        ``ReviewViewer.of(user)`` in reviews. Every part is the same composed object."""
        cached = getattr(person, "_los_viewer", None)
        if cached is None:
            policy = PersonViewer.policy
            if policy is None:
                raise ImproperlyConfigured(
                    "The access policy is not composed: add lineofsight.access to INSTALLED_APPS."
                )
            cached = policy(person)
            person._los_viewer = cached  # type: ignore[attr-defined]
        if not isinstance(cached, cls):
            raise ImproperlyConfigured(f"The access policy does not include {cls.__name__}.")
        return cached

    def _load_teams(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        if self._teams is None:
            team_ids: set[int] = set()
            audience: set[int] = set()
            led: set[int] = set()
            if self.person.is_authenticated and self.person.pk:
                # One round trip: the teams I belong to (with their paths) and those I lead.
                member = (
                    Membership.objects.filter(person=self.person)
                    .order_by()
                    .values_list("team_id", "team__path", Value(True, output_field=BooleanField()))
                )
                lead = (
                    Team.objects.filter(lead=self.person)
                    .order_by()
                    .values_list("pk", "path", Value(False, output_field=BooleanField()))
                )
                for team_id, path, is_member in member.union(lead, all=True):
                    if is_member:
                        team_ids.add(team_id)
                        audience.add(team_id)
                        audience.update(int(p) for p in path.strip("/").split("/") if p)
                    else:
                        led.add(team_id)
            self._teams = (frozenset(team_ids), frozenset(audience), frozenset(led))
        return self._teams

    @property
    def team_ids(self) -> frozenset[int]:
        """Teams I am a member of."""
        return self._load_teams()[0]

    @property
    def audience_team_ids(self) -> frozenset[int]:
        """Those teams and every team above them."""
        return self._load_teams()[1]

    @property
    def led_team_ids(self) -> frozenset[int]:
        return self._load_teams()[2]

    @property
    def pk(self) -> int:
        return int(self.person.pk)

    @property
    def is_hr(self) -> bool:
        return bool(self.person.is_hr_admin)

    @property
    def is_active(self) -> bool:
        return bool(self.person.is_authenticated and self.person.is_active)

    # -- people ------------------------------------------------------------------------

    def can_manage_people(self) -> bool:
        return self.is_active and self.is_hr

    @classmethod
    def preload(cls, people: Iterable[Person]) -> None:
        """Load the teams of many people at once (two queries per thousand people), for jobs
        that ask the policy on behalf of each of them, such as reminders and digests."""
        batch = [p for p in people if p.pk and getattr(p, "_los_viewer", None) is None]
        for start in range(0, len(batch), 1000):
            chunk = {p.pk: p for p in batch[start : start + 1000]}
            member: dict[int, list[tuple[int, str]]] = {pk: [] for pk in chunk}
            for person_id, team_id, path in Membership.objects.filter(
                person_id__in=list(chunk)
            ).values_list("person_id", "team_id", "team__path"):
                member[person_id].append((team_id, path))
            led: dict[int, set[int]] = {pk: set() for pk in chunk}
            for lead_id, team_id in Team.objects.filter(lead_id__in=list(chunk)).values_list(
                "lead_id", "pk"
            ):
                led[lead_id].add(team_id)
            cls.preload_from(chunk.values(), member, led)

    @classmethod
    def preload_from(
        cls,
        people: Iterable[Person],
        memberships: dict[int, list[tuple[int, str]]],
        led: dict[int, set[int]],
    ) -> None:
        """Give people their teams from rows already loaded: each person's (team id, team
        path) memberships and the ids of the teams they lead."""
        for person in people:
            viewer = cls.of(person)
            rows = memberships.get(person.pk, [])
            team_ids = {team_id for team_id, _ in rows}
            audience = set(team_ids)
            for _, path in rows:
                audience.update(int(p) for p in path.strip("/").split("/") if p)
            viewer._teams = (
                frozenset(team_ids),
                frozenset(audience),
                frozenset(led.get(person.pk, ())),
            )
