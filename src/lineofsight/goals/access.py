"""The access policy for OKRs (part of ``lineofsight.access.Viewer``).

Every read of an objective in the UI, the API, exports, the CLI and notifications goes
through ``objective_filter`` (``visible_to`` queryset methods call it) and every write asks a
``can_*`` rule here. Missing and forbidden look the same to callers: a queryset that does
not contain the row, hence 404.

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
* Blockers are seen by whoever sees the key result's objective. The raiser, the key
  result's editors and the assignee's manager chain (and HR) assign them; those and the
  assignee move them between open, being handled and resolved.
* Team retrospectives: the team's lead and members write one per cycle together and see it
  as a draft; nobody else does (HR included). Published, it is read by the team's manager
  chain (the leads above it, the lead's managers), HR and whoever may see one of the team's
  objectives of that cycle. The lead publishes (a team without a lead: its members).
* Calibrated confidence is private like a review: a person's to them, their manager chain
  and HR; a team's to its lead, the leads above it, the lead's manager chain and HR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from lineofsight.people.access import PersonViewer
from lineofsight.people.models import Membership, Team

if TYPE_CHECKING:
    from lineofsight.people.models import Person


def _contains_id(column: str, pk: int) -> Q:
    return Q(**{f"{column}__contains": f"/{pk}/"})


# What the rules read of an objective, a key result and an initiative (the models in
# ``goals.models`` have it; they import this module through their querysets, so it names
# what it needs rather than importing them back).


class OwnedObjective(Protocol):
    @property
    def owner_person_id(self) -> int | None: ...

    @property
    def owner_person(self) -> Person | None: ...

    @property
    def owner_team(self) -> Team | None: ...


class ApprovedObjective(Protocol):
    @property
    def approver_id(self) -> int | None: ...


class OwnedKeyResult(Protocol):
    @property
    def owner_id(self) -> int | None: ...

    @property
    def objective(self) -> OwnedObjective: ...


class OwnedInitiative(Protocol):
    @property
    def owner_id(self) -> int | None: ...

    @property
    def key_result(self) -> OwnedKeyResult: ...


class OwnedBlocker(Protocol):
    @property
    def raised_by_id(self) -> int: ...

    @property
    def assignee_id(self) -> int | None: ...

    @property
    def assignee(self) -> Person | None: ...

    @property
    def key_result(self) -> OwnedKeyResult: ...


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
    state: str = "active"
    created_by_id: int | None = None
    draft_sharing: str = "nobody"
    reader_ids: frozenset[int] = frozenset()  # whom a draft is shared with, by name


class GoalViewer(PersonViewer):
    """The rules for OKRs, on top of who the viewer is (``PersonViewer``)."""

    # -- objectives ------------------------------------------------------------------

    def objective_filter(self, prefix: str = "") -> Q:
        """A Q over Objective (or over a relation to it, via ``prefix``) of what I may see."""
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
        usual = public | team_visible
        # A draft is its author's and editors' (the private audience) until it is shared for
        # comment: with chosen people, or with its usual audience.
        # The models import this module (through their querysets), so the table is looked up.
        DraftReader = apps.get_model("goals", "DraftReader")  # noqa: N806
        draft = Q(**{f"{p}state": "draft"})
        shared_with_me = Exists(
            DraftReader.objects.filter(objective=OuterRef(f"{p}pk" if p else "pk"), person=uid)
        )
        return (
            private_audience
            | (draft & Q(**{f"{p}created_by": uid}))
            | (~draft & usual)
            | (draft & Q(**{f"{p}draft_sharing": "audience"}) & usual)
            | (draft & Q(**{f"{p}draft_sharing": "people"}) & Q(shared_with_me))
        )

    def sees_objective(self, o: ObjectiveAudience) -> bool:
        """``objective_filter``'s rule for one objective already loaded, in Python: for jobs
        that ask on behalf of thousands of people at once (reminders, digests), where a query
        per person would cost minutes. The tests keep the two forms in step."""
        if not self.is_active:
            return False
        if self.is_hr:
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
        if o.state == "draft":
            if o.created_by_id == uid:
                return True
            if o.draft_sharing == "people":
                return uid in o.reader_ids
            if o.draft_sharing != "audience":
                return False
        if o.visibility == "public":
            return True
        if o.visibility != "team":
            return False
        if o.owner_team_id is not None and o.owner_team_id in self.audience_team_ids:
            return True
        return o.owner_person_id is not None and bool(self.team_ids & o.person_team_ids)

    def can_edit_objective(self, objective: OwnedObjective) -> bool:
        if objective.owner_person_id is not None:
            return self.edits_objectives_of(person=objective.owner_person)
        return self.edits_objectives_of(team=objective.owner_team)

    def edits_objectives_of(
        self, *, person: Person | None = None, team: Team | None = None
    ) -> bool:
        """Whether I edit the objectives of this owner (a person, else a team)."""
        if not self.is_active:
            return False
        if self.is_hr:
            return True
        if person is not None:
            return person.pk == self.pk or self.pk in person.chain_ids
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
        if level not in self.objective_levels():
            return False
        if self.is_hr:
            return True
        if owner_person is not None:
            return self.edits_objectives_of(person=owner_person)
        return self.edits_objectives_of(team=owner_team)

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

    # -- writing OKRs together -------------------------------------------------------------
    #
    # A draft is shared, proposed and activated by its editors (``can_edit_objective``); a
    # proposed draft is approved or sent back by the approver it was sent to, or HR. HR keeps
    # the organisation's own OKR templates.

    def can_decide_approval(self, objective: ApprovedObjective) -> bool:
        if not self.is_active:
            return False
        return self.is_hr or (
            objective.approver_id is not None and objective.approver_id == self.pk
        )

    def manages_okr_templates(self) -> bool:
        return self.is_active and self.is_hr

    def can_check_in(self, key_result: OwnedKeyResult) -> bool:
        return key_result.owner_id == self.pk or self.can_edit_objective(key_result.objective)

    def can_edit_key_result(self, key_result: OwnedKeyResult) -> bool:
        return self.can_check_in(key_result)

    def can_edit_initiative(self, initiative: OwnedInitiative) -> bool:
        return initiative.owner_id == self.pk or self.can_check_in(initiative.key_result)

    # -- blockers ------------------------------------------------------------------------
    #
    # A blocker inherits the visibility of its key result's objective (``Blocker.objects
    # .visible_to``). Raising one is part of checking in.

    def can_raise_blocker(self, key_result: OwnedKeyResult) -> bool:
        return self.can_check_in(key_result)

    def can_assign_blocker(self, blocker: OwnedBlocker) -> bool:
        """The raiser, the key result's editors and the assignee's manager chain (and HR)."""
        if not self.is_active:
            return False
        if self.is_hr or blocker.raised_by_id == self.pk:
            return True
        assignee = blocker.assignee
        if assignee is not None and self.pk in assignee.chain_ids:
            return True
        return self.can_edit_key_result(blocker.key_result)

    def can_update_blocker(self, blocker: OwnedBlocker) -> bool:
        """Who moves a blocker between states: whoever assigns it, and the assignee."""
        if self.is_active and blocker.assignee_id == self.pk:
            return True
        return self.can_assign_blocker(blocker)

    # -- closing a cycle ---------------------------------------------------------------
    #
    # Once a cycle is closed only HR may amend its OKRs, with one exception: the close-out
    # itself. Whoever may edit an objective (or key result) may still set its adjusted grade,
    # write its retrospective and carry its unfinished key results into the next cycle.

    def can_close_out_objective(self, objective: OwnedObjective) -> bool:
        return self.can_edit_objective(objective)

    def can_close_out_key_result(self, key_result: OwnedKeyResult) -> bool:
        return self.can_edit_key_result(key_result)

    def can_close_cycles(self) -> bool:
        return self.is_active and self.is_hr

    # -- team retrospectives -------------------------------------------------------------

    def writes_team_retrospective(self, team: Team) -> bool:
        """The team writes its retrospective: its lead and its members."""
        return self.is_active and (team.lead_id == self.pk or team.pk in self.team_ids)

    def can_publish_team_retrospective(self, team: Team) -> bool:
        """The lead publishes; a team without a lead, any member."""
        if not self.is_active:
            return False
        if team.lead_id is not None:
            return team.lead_id == self.pk
        return team.pk in self.team_ids

    def team_retrospective_filter(self) -> Q:
        """A Q over TeamRetrospective: drafts of my teams (as member or lead); published ones
        of those, of the teams I lead from above or whose lead reports to me, and of every
        team one of whose objectives of that cycle I may see (HR: every published one)."""
        if not self.is_active:
            return Q(pk__in=[])
        uid = self.pk
        team = Q(team__in=list(self.team_ids)) | Q(team__lead=uid)
        published = Q(state="published")
        if self.is_hr:
            return team | published
        chain = _contains_id("team__lead__manager_path", uid)
        for led in self.led_team_ids:
            chain |= _contains_id("team__path", led)
        # Looked up by name: the models import this module (through their querysets).
        objective = apps.get_model("goals", "Objective")
        sees_objective = Exists(
            objective.objects.filter(
                self.objective_filter(), owner_team=OuterRef("team"), cycle=OuterRef("cycle")
            )
        )
        return team | (published & (chain | Q(sees_objective)))

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


def objective_deciders(objective: OwnedObjective) -> list[int]:
    """Who decides on a proposed contribution into this objective (and is told of it): its
    owner, for a person's objective; its team's lead, else the lead of the nearest team above
    it. Everyone else who may edit it (their managers, the leads above, HR) may decide too,
    but is not asked."""
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
