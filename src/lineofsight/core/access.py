"""The access policy: who may see and change what. The one place that decides.

Every read in the UI, the API, exports, the CLI and notifications goes through
``Viewer`` (``visible_to`` queryset methods call it) and every write asks a ``can_*``
function here. Missing and forbidden look the same to callers: a queryset that does not
contain the row, hence 404.

Rules for objectives (and everything hanging off them: key results, check-ins,
initiatives, alignment links):

* HR admins see and edit everything.
* Public objectives: everyone in the organisation.
* Team-visible: members of the owning team or of any team inside it, leads of that team and
  of every team above it, and the lead's manager chain; for a person's objective, people who
  share a team with them plus their manager chain.
* Private: the owner (for a team, its lead and the leads above), their manager chain.
* Editing: the owner, their manager chain, the lead of an owning team and leads above it;
  once the cycle is closed only HR may amend, with a recorded reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from lineofsight.goals.models import Initiative, KeyResult, Objective
    from lineofsight.people.models import Person


def _contains_id(column: str, pk: int) -> Q:
    return Q(**{f"{column}__contains": f"/{pk}/"})


@dataclass
class Viewer:
    """What the policy needs to know about one signed-in person, computed once per request."""

    person: Person
    team_ids: frozenset[int] = frozenset()  # teams I am a member of
    audience_team_ids: frozenset[int] = frozenset()  # those teams and every team above them
    led_team_ids: frozenset[int] = frozenset()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, person: Person) -> Viewer:
        from lineofsight.people.models import Team

        cached = getattr(person, "_los_viewer", None)
        if cached is not None:
            return cached
        team_ids: set[int] = set()
        audience: set[int] = set()
        led: set[int] = set()
        if person.is_authenticated and person.pk:
            rows = Team.objects.filter(Q(memberships__person=person) | Q(lead=person)).values_list(
                "pk", "path", "lead_id", "memberships__person_id"
            )
            for pk, path, lead_id, member_id in rows:
                if member_id == person.pk:
                    team_ids.add(pk)
                    audience.add(pk)
                    audience.update(int(p) for p in path.strip("/").split("/") if p)
                if lead_id == person.pk:
                    led.add(pk)
        viewer = cls(person, frozenset(team_ids), frozenset(audience), frozenset(led))
        person._los_viewer = viewer  # type: ignore[attr-defined]
        return viewer

    @property
    def pk(self) -> int:
        return int(self.person.pk)

    @property
    def is_hr(self) -> bool:
        return bool(self.person.is_hr_admin)

    @property
    def is_active(self) -> bool:
        return bool(self.person.is_authenticated and self.person.is_active)

    # -- objectives ------------------------------------------------------------------

    def objective_filter(self, prefix: str = "") -> Q:
        """A Q over Objective (or over a relation to it, via ``prefix``) of what I may see."""
        from lineofsight.people.models import Membership

        p = prefix
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        uid = self.pk
        public = Q(**{f"{p}visibility": "public"})

        in_person_chain = Q(**{f"{p}owner_person": uid}) | _contains_id(
            f"{p}owner_person__manager_path", uid
        )
        team_leadership = Q(**{f"{p}owner_team__lead": uid}) | _contains_id(
            f"{p}owner_team__lead__manager_path", uid
        )
        for led in self.led_team_ids:
            team_leadership |= Q(**{f"{p}owner_team": led}) | _contains_id(
                f"{p}owner_team__path", led
            )
        private_audience = in_person_chain | team_leadership

        team_audience = Q(**{f"{p}owner_team__in": list(self.audience_team_ids)})
        if self.team_ids:
            shares_team = Exists(
                Membership.objects.filter(
                    person=OuterRef(f"{p}owner_person"), team__in=list(self.team_ids)
                )
            )
            team_audience |= Q(shares_team)
        team_visible = Q(**{f"{p}visibility": "team"}) & team_audience
        return public | private_audience | team_visible

    def can_edit_objective(self, objective: Objective) -> bool:
        if not self.is_active:
            return False
        if self.is_hr:
            return True
        if objective.owner_person_id is not None:
            owner = objective.owner_person
            assert owner is not None
            return owner.pk == self.pk or self.pk in owner.chain_ids
        team = objective.owner_team
        assert team is not None
        if team.lead_id == self.pk:
            return True
        if self.led_team_ids.intersection(team.ancestor_ids):
            return True
        lead = team.lead
        return lead is not None and self.pk in lead.chain_ids

    def can_check_in(self, key_result: KeyResult) -> bool:
        return key_result.owner_id == self.pk or self.can_edit_objective(key_result.objective)

    def can_edit_key_result(self, key_result: KeyResult) -> bool:
        return self.can_check_in(key_result)

    def can_edit_initiative(self, initiative: Initiative) -> bool:
        return initiative.owner_id == self.pk or self.can_check_in(initiative.key_result)

    # -- people ------------------------------------------------------------------------

    def can_manage_people(self) -> bool:
        return self.is_active and self.is_hr


def viewer_for(person: Person) -> Viewer:
    return Viewer.of(person)
