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
  once the cycle is closed only HR may amend, with a recorded reason. Closing out (adjusted
  grades, retrospectives, carrying key results over) stays open to the editors.
* Calibrated confidence is private like a review: a person's to them, their manager chain
  and HR; a team's to its lead, the leads above it, the lead's manager chain and HR.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from lineofsight.core.coach_access import CoachRules
from lineofsight.core.review_access import ReviewRules

if TYPE_CHECKING:
    from lineofsight.goals.models import Initiative, KeyResult, Objective
    from lineofsight.people.models import Person, Team


def _contains_id(column: str, pk: int) -> Q:
    return Q(**{f"{column}__contains": f"/{pk}/"})


@dataclass(frozen=True)
class ObjectiveAudience:
    """What the policy needs to know about one objective to decide who may see it, loaded
    for many objectives at once by ``objective_audiences``."""

    visibility: str
    owner_person_id: int | None = None
    person_path: str = ""  # the owning person's manager_path
    person_team_ids: frozenset[int] = frozenset()  # the owning person's teams
    owner_team_id: int | None = None
    team_path: str = ""  # the owning team's path
    team_lead_id: int | None = None
    team_lead_path: str = ""  # the owning team's lead's manager_path


def objective_audiences(
    objective_ids: Iterable[int], person_teams: dict[int, set[int]] | None = None
) -> dict[int, ObjectiveAudience]:
    """``ObjectiveAudience`` of each objective, in two queries per 5,000 objectives (one
    when the caller passes every person's team ids, ``person_teams``, already loaded)."""
    from lineofsight.goals.models import Objective
    from lineofsight.people.models import Membership

    ids = sorted(set(objective_ids))
    out: dict[int, ObjectiveAudience] = {}
    for start in range(0, len(ids), 5000):
        rows = list(
            Objective.objects.filter(pk__in=ids[start : start + 5000])
            .order_by()
            .values_list(
                "pk",
                "visibility",
                "owner_person_id",
                "owner_person__manager_path",
                "owner_team_id",
                "owner_team__path",
                "owner_team__lead_id",
                "owner_team__lead__manager_path",
            )
        )
        teams: dict[int, set[int]] = person_teams if person_teams is not None else {}
        if person_teams is None:
            owners = {row[2] for row in rows if row[2] is not None}
            for person_id, team_id in Membership.objects.filter(
                person_id__in=owners
            ).values_list("person_id", "team_id"):
                teams.setdefault(person_id, set()).add(team_id)
        for pk, visibility, person, person_path, team, team_path, lead, lead_path in rows:
            out[pk] = ObjectiveAudience(
                visibility,
                person,
                person_path or "",
                frozenset(teams.get(person, ())) if person is not None else frozenset(),
                team,
                team_path or "",
                lead,
                lead_path or "",
            )
    return out


class Viewer(ReviewRules, CoachRules):
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

    def sees_objective(self, o: ObjectiveAudience) -> bool:
        """``objective_filter``'s rule for one objective already loaded, in Python: for jobs
        that ask on behalf of thousands of people at once (reminders, digests), where a query
        per person would cost minutes. The tests keep the two forms in step."""
        if not self.is_active:
            return False
        if self.is_hr or o.visibility == "public":
            return True
        uid = self.pk
        me = f"/{uid}/"
        if o.owner_person_id == uid or (o.owner_person_id is not None and me in o.person_path):
            return True
        if o.owner_team_id is not None:
            if o.team_lead_id == uid or (o.team_lead_id is not None and me in o.team_lead_path):
                return True
            for led in self.led_team_ids:
                if o.owner_team_id == led or f"/{led}/" in o.team_path:
                    return True
        if o.visibility != "team":
            return False
        if o.owner_team_id is not None and o.owner_team_id in self.audience_team_ids:
            return True
        return o.owner_person_id is not None and bool(self.team_ids & o.person_team_ids)

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

    # -- setting objectives --------------------------------------------------------------
    #
    # One rule for the objective form (the levels and owners it offers), the API and the
    # action that validates: company objectives are set by executives and HR; team objectives
    # also by whoever leads a team; individual objectives by everyone. The owner must be one
    # whose objectives the person edits (themselves and their reports; teams they lead, the
    # teams inside those, and teams led by their reports).

    def objective_levels(self) -> tuple[str, ...]:
        """The levels this person may set objectives at, highest first."""
        if not self.is_active:
            return ()
        if self.is_hr or self.person.is_executive:
            return ("company", "team", "individual")
        if self.led_team_ids:
            return ("team", "individual")
        return ("individual",)

    def may_set_objective(
        self, *, level: str, owner_person: Person | None, owner_team: Team | None
    ) -> bool:
        """Whether this person may set an objective at ``level`` for this owner."""
        from lineofsight.goals.models import Objective

        if level not in self.objective_levels():
            return False
        if self.is_hr:
            return True
        probe = Objective(level=level, owner_person=owner_person, owner_team=owner_team)
        return self.can_edit_objective(probe)

    def objective_owner_filters(self) -> tuple[Q, Q]:
        """Q over Person and over Team: the owners whose objectives this person may set (HR:
        everyone), for the form's choices. ``can_edit_objective`` decides the same for one."""
        if not self.is_active:
            return Q(pk__in=[]), Q(pk__in=[])
        if self.is_hr:
            return Q(), Q()
        person = self.person
        people = Q(pk=self.pk) | Q(manager_path__startswith=person.subtree_prefix)
        teams = Q(pk__in=list(self.led_team_ids)) | Q(lead=self.pk)
        teams |= Q(lead__manager_path__startswith=person.subtree_prefix)
        for led in self.led_team_ids:
            teams |= Q(path__contains=f"/{led}/")
        return people, teams

    def can_check_in(self, key_result: KeyResult) -> bool:
        return key_result.owner_id == self.pk or self.can_edit_objective(key_result.objective)

    def can_edit_key_result(self, key_result: KeyResult) -> bool:
        return self.can_check_in(key_result)

    def can_edit_initiative(self, initiative: Initiative) -> bool:
        return initiative.owner_id == self.pk or self.can_check_in(initiative.key_result)

    # -- closing a cycle ---------------------------------------------------------------
    #
    # Once a cycle is closed only HR may amend its OKRs, with one exception: the close-out
    # itself. Whoever may edit an objective (or key result) may still set its adjusted grade,
    # write its retrospective and carry its unfinished key results into the next cycle.

    def can_close_out_objective(self, objective: Objective) -> bool:
        return self.can_edit_objective(objective)

    def can_close_out_key_result(self, key_result: KeyResult) -> bool:
        return self.can_edit_key_result(key_result)

    def can_close_cycles(self) -> bool:
        return self.is_active and self.is_hr

    # -- calibrated confidence: private like reviews -----------------------------------

    def can_see_calibration_of(self, person: Person) -> bool:
        """A person's calibration: the person, their manager chain and HR; no one else."""
        if not self.is_active:
            return False
        return self.is_hr or person.pk == self.pk or self.pk in person.chain_ids

    def can_see_team_calibration(self, team: Team) -> bool:
        """A team's calibration: its lead, the leads of the teams above it, the lead's
        manager chain and HR; not its members."""
        if not self.is_active:
            return False
        if self.is_hr or team.lead_id == self.pk:
            return True
        if self.led_team_ids.intersection(team.ancestor_ids):
            return True
        lead = team.lead
        return lead is not None and self.pk in lead.chain_ids

    # -- people ------------------------------------------------------------------------

    def can_manage_people(self) -> bool:
        return self.is_active and self.is_hr

    # -- dashboards ------------------------------------------------------------------------
    #
    # Lists on dashboards (objectives, key results at risk) are filtered like any other read.
    # Stored aggregates (a team's progress, its key results per status, its check-in
    # discipline) cannot be filtered per person, so they are kept twice: over every objective
    # and over public objectives only. HR and executives see the first, as figures only (the
    # objectives behind them still answer "not found" unless the rules above let them in);
    # everyone else sees the second, which reveals nothing about what they may not open.

    @property
    def sees_every_figure(self) -> bool:
        return self.is_active and (self.is_hr or bool(self.person.is_executive))

    def figure_scope(self) -> str:
        """"all" or "public": which stored aggregates this person reads."""
        return "all" if self.sees_every_figure else "public"

    def can_refresh_dashboards(self) -> bool:
        """Recomputing the stored figures (``lineofsight snapshot``) is for operators and HR."""
        return self.is_active and self.is_hr

    # -- notifications ---------------------------------------------------------------------

    def can_manage_team_channels(self, team: Team) -> bool:
        """A team's chat webhooks are managed by its lead and by HR (their addresses are
        secrets: nobody else sees them, even masked)."""
        return self.is_active and (self.is_hr or team.lead_id == self.pk)

    def can_read_outbox(self) -> bool:
        """Everyone's notifications (the outbox) are for HR to watch and retry."""
        return self.is_active and self.is_hr

    def notification_filter(self) -> Q:
        """A Q over Notification: HR sees the whole outbox, everyone else what was sent to
        them."""
        if not self.is_active:
            return Q(pk__in=[])
        if self.is_hr:
            return Q()
        return Q(recipient_id=self.pk)

    @classmethod
    def preload(cls, people: Iterable[Person]) -> None:
        """Load the teams of many people at once (two queries per thousand people), for jobs
        that ask the policy on behalf of each of them, such as reminders and digests."""
        from lineofsight.people.models import Membership, Team

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


def objective_deciders(objective: Objective) -> list[int]:
    """Who decides on a proposed contribution into this objective (and is told of it): its
    owner, for a person's objective; its team's lead, else the lead of the nearest team above
    it. Everyone else who may edit it (their managers, the leads above, HR) may decide too,
    but is not asked."""
    from lineofsight.people.models import Team

    if objective.owner_person_id is not None:
        return [objective.owner_person_id]
    team = objective.owner_team
    assert team is not None
    if team.lead_id is not None:
        return [team.lead_id]
    leads = dict(
        Team.objects.filter(pk__in=team.ancestor_ids, lead__isnull=False).values_list(
            "pk", "lead_id"
        )
    )
    for ancestor in reversed(team.ancestor_ids):
        if ancestor in leads:
            return [leads[ancestor]]
    return []


def viewer_for(person: Person) -> Viewer:
    return Viewer.of(person)
