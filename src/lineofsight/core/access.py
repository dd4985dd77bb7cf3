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

from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

if TYPE_CHECKING:
    from lineofsight.goals.models import Initiative, KeyResult, Objective
    from lineofsight.people.models import Person


def _contains_id(column: str, pk: int) -> Q:
    return Q(**{f"{column}__contains": f"/{pk}/"})


class Viewer:
    """What the policy needs to know about one signed-in person, computed once per request.

    Team memberships are read lazily (two small queries), only when a rule needs them.
    """

    def __init__(self, person: Person) -> None:
        self.person = person
        self._teams: tuple[frozenset[int], frozenset[int], frozenset[int]] | None = None

    @classmethod
    def of(cls, person: Person) -> Viewer:
        cached = getattr(person, "_los_viewer", None)
        if cached is None:
            cached = cls(person)
            person._los_viewer = cached  # type: ignore[attr-defined]
        return cached

    def _load_teams(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        if self._teams is None:
            from lineofsight.people.models import Membership, Team

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
