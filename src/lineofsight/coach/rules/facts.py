"""Plain facts the coaching checks read: objectives, key results, people, teams, past cycles.

Pure: nothing here imports Django. Selectors load these from the database in a bounded
number of queries; the drafting forms build them from unsaved form data; tests build them by
hand. Every check is a function of these facts and ``CoachSettings`` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class CoachSettings:
    """The organisation's limits (defaults follow the usual OKR guidance)."""

    max_objectives_person: int = 3
    max_objectives_team: int = 5
    min_key_results: int = 2
    max_key_results: int = 4
    min_key_results_company: int = 3
    max_key_results_company: int = 5
    # A child whose restating score against its parent is at least this restates it
    # (``copy_paste.restating``: how likely it says what its parent says; from 0.35 the
    # children of the tuning set said the same as their parents).
    copy_paste_similarity: float = 0.35
    # Attainment in consecutive closed cycles at or above this suggests sandbagging (a
    # tolerance: 100 %, 100 %, 97 % is still "hit everything").
    sandbagging_attainment: float = 0.95
    sandbagging_cycles: int = 2
    # Correlation between ratings and attainment above this (check 8) means a formula.
    rating_attainment_correlation: float = 0.9
    rating_attainment_min_people: int = 8
    # Confidence that never left "on track" over at least this many check-ins of at least
    # two stretch key results suggests the targets are safe rather than stretching.
    sandbagging_min_check_ins: int = 3
    # The last days of a cycle in which untouched key results are called out (check 7).
    closing_days: int = 14
    # Check-ins (cadence periods) a key result may miss before it is neglected: with 2, a
    # weekly key result is neglected once more than 14 days have passed without one.
    neglect_missed_check_ins: int = 2
    # Levels from a company objective down (the company objective is level 1) beyond which
    # an alignment chain is too deep to keep a line of sight.
    max_nesting_depth: int = 4
    # A team with fewer objectives than this in a cycle is nudged to translate more of the
    # company's priorities into its own.
    min_objectives_team: int = 3


@dataclass(frozen=True)
class KeyResultFacts:
    id: int
    objective_id: int
    title: str
    kind: str  # increase | decrease | stay_above | stay_below | milestone
    unit: str = ""
    start_value: float | None = None
    target_value: float | None = None
    signal: str = "lagging"  # leading | lagging
    owner_id: int | None = None
    state: str = "active"  # active | abandoned
    progress: float = 0.0  # 0.0-1.0
    created_at: datetime | None = None
    last_check_in_at: datetime | None = None
    check_in_count: int = 0
    # Confidence of each check-in, oldest first ("on_track" | "at_risk" | "off_track").
    confidences: tuple[str, ...] = ()
    # Days the cadence allows between check-ins (7 weekly, 14 bi-weekly, 31 monthly).
    cadence_days: int = 7
    # "check_ins" (measured by check-ins) | "aligned" (rolled up from aligned objectives,
    # which need no check-ins of their own).
    source: str = "check_ins"
    # The cycle the key result is set for, when not its objective's (an annual objective
    # with fresh key results each quarter); None means the objective's cycle.
    cycle_id: int | None = None


@dataclass(frozen=True)
class ObjectiveFacts:
    id: int  # 0 (or negative) for an unsaved draft
    title: str
    level: str  # company | team | individual
    cycle_id: int
    description: str = ""
    owner_person_id: int | None = None
    owner_team_id: int | None = None
    state: str = "active"  # draft | active | closed | abandoned
    commitment: str = "committed"  # committed | aspirational
    # Parents in force now: objectives aligned to directly or through one of their key results.
    parent_objective_ids: tuple[int, ...] = ()
    parent_key_result_ids: tuple[int, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    key_results: tuple[KeyResultFacts, ...] = ()
    # "key_results" | "children" | "both": an objective whose progress is rolled up from
    # its aligned children alone may have no key results of its own.
    progress_mode: str = "key_results"
    # A development goal (growth, skills): it counts towards nothing, so it is never an
    # orphan for being aligned to nothing.
    is_development: bool = False
    # The alignment rationale: "if we hit this, the parent becomes more likely because...".
    rationale: str = ""


@dataclass(frozen=True)
class CycleFacts:
    id: int
    name: str
    start_date: date
    end_date: date
    today: date
    closed: bool = False


@dataclass(frozen=True)
class OwnerHistory:
    """One owner's (person's or team's) record over past closed cycles, oldest first."""

    owner_kind: str  # person | team
    owner_id: int
    # Mean objective grade (0.0-1.0+) per past closed cycle.
    attainments: tuple[float, ...] = ()


@dataclass(frozen=True)
class RatingPoint:
    """One reviewed person in a review cycle: the rating on the cycle's scale (1 = lowest)
    and their OKR attainment (0.0-1.0) for the same period."""

    person_id: int
    rating: int
    attainment: float


@dataclass(frozen=True)
class AlignmentEdge:
    """One live alignment link, as structure only (ids and levels, no wording): the coach
    follows chains through it, including through objectives outside the scope."""

    child_id: int
    child_level: str  # company | team | individual
    target_id: int  # the parent objective, or the objective owning the parent key result
    target_level: str
    # The child's owning team (a team objective), and whether the child is an active,
    # public objective (one the skipped-level check may point a person to).
    child_team_id: int | None = None
    child_open: bool = False


@dataclass(frozen=True)
class Population:
    """Everything the checks for one cycle need, for the scope being checked."""

    cycle: CycleFacts
    objectives: tuple[ObjectiveFacts, ...]
    # Objectives of the parent level the scope's objectives may align to (for copy-paste and
    # orphan checks); keyed by id. Key results by id map to their objective's id.
    parents: dict[int, ObjectiveFacts] = field(default_factory=dict)
    key_result_objective: dict[int, int] = field(default_factory=dict)
    # Company objectives: for "nothing contributes to it" (ids of those with any child link).
    company_objective_ids_with_children: frozenset[int] = frozenset()
    people_names: dict[int, str] = field(default_factory=dict)
    team_names: dict[int, str] = field(default_factory=dict)
    history: tuple[OwnerHistory, ...] = ()
    ratings: tuple[RatingPoint, ...] = ()
    # The review cycle the ratings belong to (check 8 reports on it).
    review_cycle_id: int | None = None
    review_cycle_name: str = ""
    # Every live alignment link of the cycle (and its year), beyond the scope: nesting
    # depth and the line of sight to a company objective follow whole chains. Links between
    # the objectives above are always taken into account as well.
    alignment: tuple[AlignmentEdge, ...] = ()
    # Each person's team (their first membership): where a skipped level is looked for.
    person_teams: dict[int, int] = field(default_factory=dict)
