"""Reads for calibration: sessions, what a session shows (the board), and the rules in force.

Every read goes through the access policy: sessions through ``calibration_session_filter``
(HR, the facilitator, the participants), the reviews inside one through
``calibration_review_filter`` (never the viewer's own). The board of a session is read in a
fixed number of queries however many people it holds; the numbers (distribution, grid,
flags, the formula) come from the pure modules ``figures``, ``rules`` and
``reviews.formula``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from lineofsight.core.errors import NotFound
from lineofsight.goals.scoring import percent
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews import formula
from lineofsight.reviews.access import (
    ANONYMITY_MINIMUM,
    SMALL_GROUP_MINIMUM,
    ReviewViewer,
    organisation_today,
    released_in,
)
from lineofsight.reviews.calibration import figures, rules
from lineofsight.reviews.cycles.population import team_subtree_filter
from lineofsight.reviews.models import (
    Answer,
    CalibrationRule,
    CalibrationSession,
    Feedback,
    FlagExplanation,
    Kudos,
    PolicyMode,
    RatingChange,
    Review,
    ReviewCycle,
    Section,
)

LOG_LIMIT = 100  # rating changes shown on the session page (newest first)


def _viewer(user: Person) -> ReviewViewer:
    return ReviewViewer.of(user)


def person_name(display: str, first: str, last: str, username: str) -> str:
    """``Person.name`` from the columns, for rows read as values."""
    return display or f"{first} {last}".strip() or username


# ---------------------------------------------------------------------------------------
# Sessions


def sessions_for_user(user: Person) -> QuerySet[CalibrationSession]:
    return CalibrationSession.objects.filter(
        _viewer(user).calibration_session_filter()
    ).select_related("review_cycle__goal_cycle", "facilitator", "completed_by")


def sessions_for_list(user: Person) -> QuerySet[CalibrationSession]:
    return (
        sessions_for_user(user)
        .annotate(people=Count("reviews", distinct=True))
        .order_by("-review_cycle__self_review_due", "review_cycle__name", "name", "pk")
    )


def get_session_for_user(user: Person, pk: Any) -> CalibrationSession:
    try:
        return sessions_for_user(user).get(pk=int(pk))
    except (TypeError, ValueError, CalibrationSession.DoesNotExist):
        raise NotFound("No such calibration session.") from None


def session_reviews(user: Person, session: CalibrationSession) -> QuerySet[Review]:
    """The reviews of a session the viewer sees in it (all but their own)."""
    return Review.objects.filter(calibration_sessions=session).filter(
        _viewer(user).calibration_review_filter()
    )


def get_session_review(user: Person, session: CalibrationSession, pk: Any) -> Review:
    try:
        return (
            session_reviews(user, session)
            .select_related("subject", "manager", "review_cycle")
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, Review.DoesNotExist):
        raise NotFound("No such review in this session.") from None


def rules_in_force() -> list[rules.RuleSetting]:
    """Every rule as HR set it, or its defaults when HR never did (one query)."""
    stored = [
        rules.RuleSetting(r.code, r.enabled, r.requires_explanation, r.params or {})
        for r in CalibrationRule.objects.all()
    ]
    return rules.settings_in_force(stored)


@dataclass(frozen=True)
class RuleRow:
    definition: rules.RuleDefinition
    setting: rules.RuleSetting
    stored: CalibrationRule | None


def rule_rows() -> list[RuleRow]:
    """The rules for HR's page: definition, setting in force, the stored row if any."""
    stored = {r.code: r for r in CalibrationRule.objects.select_related("updated_by")}
    settings = rules.settings_in_force(
        rules.RuleSetting(r.code, r.enabled, r.requires_explanation, r.params or {})
        for r in stored.values()
    )
    return [RuleRow(rules.DEFINITIONS[s.code], s, stored.get(s.code)) for s in settings]


# ---------------------------------------------------------------------------------------
# The people of a session, with what the rules read


@dataclass
class Row:
    """One person in a session, as the table, the grid and the rules see them."""

    review_id: int
    subject_id: int
    name: str
    job_title: str
    manager_id: int | None
    manager_name: str
    team_id: int | None
    team_name: str
    state: str
    rating: int | None
    potential: int | None
    attainment: float | None
    rating_explanation: str = ""
    previous_rating: int | None = None
    previous_cycle: str = ""
    kudos: int = 0
    peer_ratings: int = 0
    peer_mean: float | None = None
    baseline: float | None = None
    rating_label: str = ""
    potential_label: str = ""
    flags: list[rules.Flag] = field(default_factory=list)
    explanations: dict[str, str] = field(default_factory=dict)  # rule code -> latest text
    indication: formula.Indication | None = None

    @property
    def attainment_percent(self) -> int | None:
        return None if self.attainment is None else percent(self.attainment)

    @property
    def shared(self) -> bool:
        return self.state in (Review.State.SHARED, Review.State.ACKNOWLEDGED)

    @property
    def unexplained(self) -> list[rules.Flag]:
        return [f for f in self.flags if f.requires_explanation and f.code not in self.explanations]

    def facts(self) -> rules.Facts:
        return rules.Facts(
            review_id=self.review_id,
            subject_name=self.name,
            manager_id=self.manager_id,
            manager_name=self.manager_name,
            rating=self.rating,
            attainment=self.attainment,
            previous_rating=self.previous_rating,
            previous_cycle=self.previous_cycle,
            kudos=self.kudos,
            peer_ratings=self.peer_ratings,
            peer_mean=self.peer_mean,
        )


def _period(cycle: ReviewCycle) -> tuple[dt.datetime, dt.datetime]:
    """The period whose kudos count as recognition: from the start of the OKR cycle under
    review to the end of the calibration deadline, in the organisation's time zone."""
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    start = dt.datetime.combine(cycle.goal_cycle.start_date, dt.time.min, tzinfo=tz)
    end_day = max(cycle.calibration_due, cycle.goal_cycle.end_date) + dt.timedelta(days=1)
    return start, dt.datetime.combine(end_day, dt.time.min, tzinfo=tz)


def _teams(
    session: CalibrationSession, subjects: QuerySet[Review], population: Sequence[Team]
) -> dict[int, tuple[int, str]]:
    """Each person's team in the session's population: the deepest team of it they belong
    to, else the highest one they lead (two queries)."""
    out: dict[int, tuple[int, str, int]] = {}
    if not population:
        return {}
    inside = team_subtree_filter(population, "team__")
    for person_id, team_id, name, path in (
        Membership.objects.filter(inside, person_id__in=subjects.values("subject_id"))
        .order_by()
        .values_list("person_id", "team_id", "team__name", "team__path")
    ):
        depth = path.count("/")
        if person_id not in out or depth > out[person_id][2]:
            out[person_id] = (team_id, name, depth)
    for lead_id, team_id, name, path in (
        Team.objects.filter(
            team_subtree_filter(population), lead_id__in=subjects.values("subject_id")
        )
        .order_by()
        .values_list("lead_id", "pk", "name", "path")
    ):
        depth = -path.count("/")  # the highest led team, below any membership
        if lead_id not in out or (out[lead_id][2] < 0 and depth > out[lead_id][2]):
            out[lead_id] = (team_id, name, depth)
    return {person_id: (team_id, name) for person_id, (team_id, name, _) in out.items()}


def load_rows(
    session: CalibrationSession,
    *,
    visible: Q | None = None,
    population: Sequence[Team] | None = None,
    with_explanations: bool = True,
) -> list[Row]:
    """The session's people with everything the table, grid, rules and formula read.

    ``visible`` narrows the reviews (the viewer's ``calibration_review_filter``); figures are
    computed over what is loaded, so a viewer never sees a figure that includes a rating
    they may not see. A fixed number of queries (seven, eight in a formula cycle)."""
    cycle = session.review_cycle
    reviews = Review.objects.filter(calibration_sessions=session)
    if visible is not None:
        reviews = reviews.filter(visible)
    rows: dict[int, Row] = {}
    by_subject: dict[int, Row] = {}
    for (
        pk,
        subject_id,
        display,
        first,
        last,
        username,
        job_title,
        manager_id,
        m_display,
        m_first,
        m_last,
        m_username,
        state,
        rating,
        potential,
        attainment,
        explanation,
    ) in reviews.order_by().values_list(
        "pk",
        "subject_id",
        "subject__display_name",
        "subject__first_name",
        "subject__last_name",
        "subject__username",
        "subject__job_title",
        "manager_id",
        "manager__display_name",
        "manager__first_name",
        "manager__last_name",
        "manager__username",
        "state",
        "rating",
        "potential",
        "attainment",
        "rating_explanation",
    ):
        row = Row(
            review_id=pk,
            subject_id=subject_id,
            name=person_name(display, first, last, username),
            job_title=job_title,
            manager_id=manager_id,
            manager_name=person_name(m_display or "", m_first or "", m_last or "", m_username or "")
            if manager_id
            else "",
            team_id=None,
            team_name="",
            state=state,
            rating=rating,
            potential=potential,
            attainment=attainment,
            rating_explanation=explanation,
        )
        rows[pk] = row
        by_subject[subject_id] = row
    if not rows:
        return []
    if population is None:
        population = list(session.population_teams.all())
    for person_id, (team_id, team_name) in _teams(session, reviews, population).items():
        if person_id in by_subject:
            by_subject[person_id].team_id = team_id
            by_subject[person_id].team_name = team_name
    subjects = reviews.values("subject_id")
    # The person's latest rated review in an earlier review cycle.
    for subject_id, rating, cycle_name in (
        Review.objects.filter(
            subject_id__in=subjects,
            rating__isnull=False,
            review_cycle__self_review_due__lt=cycle.self_review_due,
        )
        .exclude(review_cycle=cycle)
        .order_by("subject_id", "-review_cycle__self_review_due", "-review_cycle_id")
        .values_list("subject_id", "rating", "review_cycle__name")
    ):
        row = by_subject[subject_id]
        if not row.previous_cycle:
            row.previous_rating, row.previous_cycle = rating, cycle_name
    start, end = _period(cycle)
    for recipient_id, n in (
        Kudos.objects.filter(recipient_id__in=subjects)
        .filter(
            Q(key_result__cycle_id=cycle.goal_cycle_id)
            | Q(created_at__gte=start, created_at__lt=end)
        )
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("recipient_id", "n")
    ):
        by_subject[recipient_id].kudos = n
    answers = Answer.objects.filter(
        feedback__review__in=reviews.values("pk"),
        feedback__state=Feedback.State.SUBMITTED,
        rating__isnull=False,
    ).order_by()
    # Peer ratings: named ones, and anonymous ones only as the review shows them (released,
    # from the anonymity minimum up), so no figure here moves with one anonymous answer.
    today = organisation_today()
    peer_sums: dict[int, tuple[int, int, int]] = {}  # review -> (people, sum, answers)
    for review_id, anonymous, peers, total, n in (
        answers.filter(feedback__kind=Feedback.Kind.PEER)
        .values("feedback__review_id", "feedback__anonymous")
        .annotate(
            peers=Count("feedback__author_id", distinct=True), total=Sum("rating"), n=Count("pk")
        )
        .values_list("feedback__review_id", "feedback__anonymous", "peers", "total", "n")
    ):
        row = rows[review_id]
        if anonymous and not (peers >= ANONYMITY_MINIMUM and released_in(cycle, row.state, today)):
            continue
        people, summed, count = peer_sums.get(review_id, (0, 0, 0))
        peer_sums[review_id] = (people + peers, summed + total, count + n)
    for review_id, (people, summed, count) in peer_sums.items():
        rows[review_id].peer_ratings = people
        rows[review_id].peer_mean = summed / count if count else None
    if cycle.policy_mode == PolicyMode.FORMULA:
        for review_id, mean in (
            answers.filter(feedback__kind=Feedback.Kind.MANAGER, question__section=Section.BASELINE)
            .values("feedback__review_id")
            .annotate(mean=Avg("rating"))
            .values_list("feedback__review_id", "mean")
        ):
            rows[review_id].baseline = float(mean) if mean is not None else None
    if with_explanations:
        for review_id, code, text in (
            FlagExplanation.objects.filter(session=session)
            .order_by("created_at", "pk")
            .values_list("review_id", "rule", "text")
        ):
            if review_id in rows:
                rows[review_id].explanations[code] = text
    return sorted(rows.values(), key=lambda r: (r.name.lower(), r.review_id))


def scale_of(cycle: ReviewCycle) -> rules.Scale:
    return rules.Scale.from_levels(cycle.rating_scale or [])


def potential_scale_of(cycle: ReviewCycle) -> rules.Scale:
    return rules.Scale.from_levels(cycle.potential_scale or [])


def apply_rules(
    rows: Sequence[Row], scale: rules.Scale, settings: Iterable[rules.RuleSetting]
) -> list[rules.Facts]:
    """Set each row's flags; returns the facts the rules read."""
    facts = [r.facts() for r in rows]
    flags = rules.evaluate(facts, list(settings), scale)
    for row in rows:
        row.flags = flags.get(row.review_id, [])
    return facts


def unexplained_flags(session: CalibrationSession) -> list[tuple[Row, rules.Flag]]:
    """Over every review of the session (whoever asks): the flags that need an explanation
    and have none, with their rows, in name order."""
    rows = load_rows(session)
    apply_rules(rows, scale_of(session.review_cycle), rules_in_force())
    return [(row, flag) for row in rows for flag in row.unexplained]


# ---------------------------------------------------------------------------------------
# The board: what the session page and the API show


@dataclass(frozen=True)
class Change:
    review_id: int
    name: str
    field: str
    old: str
    new: str
    reason: str
    author: str
    created_at: dt.datetime


@dataclass
class Board:
    session: CalibrationSession
    scale: rules.Scale
    potential_scale: rules.Scale | None
    rows: list[Row]
    overall: figures.Distribution
    by_team: list[figures.Distribution]
    by_manager: list[figures.Distribution]
    grid: figures.Grid
    managers: list[rules.ManagerMean]
    changes: list[Change]
    more_changes: bool
    participants: list[Person]
    population: list[Team]
    formula_cycle: bool
    formula_text: str
    can_facilitate: bool
    minimum: int = SMALL_GROUP_MINIMUM
    holds_own_review: bool = False  # the viewer's own review is in it: HR completes it

    @property
    def flagged(self) -> list[Row]:
        return [r for r in self.rows if r.flags]

    @property
    def missing(self) -> list[Row]:
        """People with a flag that still needs an explanation."""
        return [r for r in self.rows if r.unexplained]

    @property
    def live(self) -> bool:
        return self.session.state == CalibrationSession.State.LIVE


def _changes(user: Person, session: CalibrationSession) -> tuple[list[Change], bool]:
    found = list(
        RatingChange.objects.filter(session=session)
        .filter(_viewer(user).calibration_review_filter("review__"))
        .select_related("author", "review__subject")
        .order_by("-created_at", "-pk")[: LOG_LIMIT + 1]
    )
    scale = scale_of(session.review_cycle)
    potential = potential_scale_of(session.review_cycle)
    out = [
        Change(
            review_id=c.review_id,
            name=c.review.subject.name,
            field=c.get_field_display(),
            old=(scale if c.field == RatingChange.Field.RATING else potential).label(c.old_value),
            new=(scale if c.field == RatingChange.Field.RATING else potential).label(c.new_value),
            reason=c.reason,
            author=c.author.name if c.author else "",
            created_at=c.created_at,
        )
        for c in found[:LOG_LIMIT]
    ]
    return out, len(found) > LOG_LIMIT


def board(user: Person, session: CalibrationSession) -> Board:
    """Everything the session page shows, over the reviews the viewer sees in it."""
    viewer = _viewer(user)
    cycle = session.review_cycle
    scale = scale_of(cycle)
    potential = potential_scale_of(cycle) if cycle.rate_potential else None
    population = list(session.population_teams.all())
    rows = load_rows(session, visible=viewer.calibration_review_filter(), population=population)
    settings = rules_in_force()
    facts = apply_rules(rows, scale, settings)
    formula_cycle = cycle.policy_mode == PolicyMode.FORMULA and bool(cycle.formula_weights)
    formula_text = ""
    for row in rows:
        row.rating_label = scale.label(row.rating) if row.rating is not None else ""
        if potential is not None and row.potential is not None:
            row.potential_label = potential.label(row.potential)
        if formula_cycle:
            row.indication = _indication(cycle, scale, row)
    if formula_cycle:
        try:
            formula_text = formula.describe(cycle.formula_weights)
        except formula.FormulaError:
            formula_cycle = False
    levels = [(v, scale.labels.get(v, "")) for v in scale.values]
    ratings = [r.rating for r in rows]
    skew = next(s for s in settings if s.code == rules.MANAGER_SKEW)
    changes, more = _changes(user, session)
    grid_kind = session.grid
    if grid_kind == figures.PERFORMANCE_POTENTIAL and potential is None:
        grid_kind = figures.RATING_ATTAINMENT
    return Board(
        session=session,
        scale=scale,
        potential_scale=potential,
        rows=rows,
        overall=figures.distribution(
            "all", "Everyone in the session", ratings, levels, minimum=SMALL_GROUP_MINIMUM
        ),
        by_team=figures.grouped(
            (
                (f"team:{r.team_id}" if r.team_id else "team:-", r.team_name or "No team", r.rating)
                for r in rows
            ),
            levels,
            minimum=SMALL_GROUP_MINIMUM,
        ),
        by_manager=figures.grouped(
            (
                (
                    f"manager:{r.manager_id}" if r.manager_id else "manager:-",
                    r.manager_name or "No manager",
                    r.rating,
                )
                for r in rows
            ),
            levels,
            minimum=SMALL_GROUP_MINIMUM,
        ),
        grid=figures.grid(
            grid_kind,
            ((r.review_id, r.name, r.rating, r.attainment, r.potential) for r in rows),
            scale.values,
            potential.values if potential is not None else (),
        ),
        managers=rules.manager_means(facts, int(skew.params.get("min_ratings", 5))),
        changes=changes,
        more_changes=more,
        participants=list(session.participants.order_by("display_name", "username")),
        population=population,
        formula_cycle=formula_cycle,
        formula_text=formula_text,
        can_facilitate=viewer.can_facilitate(session),
        holds_own_review=session.reviews.filter(subject_id=viewer.pk).exists(),
    )


def _indication(cycle: ReviewCycle, scale: rules.Scale, row: Row) -> formula.Indication | None:
    try:
        return formula.indicate(
            cycle.policy_mode,
            cycle.formula_weights,
            scale=scale.values,
            attainment=row.attainment,
            baseline=row.baseline,
            manager=row.rating,
        )
    except formula.FormulaError:
        return None
