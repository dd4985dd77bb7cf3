"""Calibration writes: sessions and their states, rating moves, flag explanations, and the
rules HR edits.

* HR creates a session for a population of an open review cycle: a name, a facilitator, the
  participating managers and the population's teams (with every team inside them: their
  members and leads, as review cycles count them); the session holds those people's reviews.
  HR may change it while it is a draft.
* A session goes draft > live > complete, moved by its facilitator or HR. Ratings move only
  while it is live. Completing is refused while a flag that needs an explanation has none;
  the error names the people. A calibrator never learns anything about their own review,
  not even from a refusal: a session that holds one's own review is completed by another
  HR admin.
* A move changes the rating (or potential) of one review in the session, with a reason: a
  ``RatingChange`` row keeps who, when, the old and the new value and why, and the review's
  rating becomes the new value. Only submitted ratings are calibrated (a manager review in
  draft has none yet); a review already shared is not moved here (HR amends it).
* An explanation answers one flag on one review, as the actor's board shows it; the newest
  one counts, all are kept.

Every action checks the access policy, refuses bad input naming the field and writes
nothing then, and records an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person, Team
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.calibration import rules
from lineofsight.reviews.calibration import selectors as calibration
from lineofsight.reviews.cycles.population import population_people
from lineofsight.reviews.models import (
    CalibrationRule,
    CalibrationSession,
    FlagExplanation,
    RatingChange,
    Review,
    ReviewCycle,
)

NAME_MAX = 200
TEXT_MAX = 10_000
STATES = CalibrationSession.State
NEXT_STATE = {STATES.DRAFT: STATES.LIVE, STATES.LIVE: STATES.COMPLETE}


def _viewer(acting_user: Person | None) -> ReviewViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return ReviewViewer.of(acting_user)


def _hr(acting_user: Person | None) -> None:
    """``None`` is the system (the demo); anyone else must manage reviews."""
    if acting_user is not None and not _viewer(acting_user).can_manage_reviews():
        raise NotAllowed("Only HR admins set up calibration sessions and rules.")


def _text(errors: dict[str, str], name: str, value: Any, *, limit: int) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors[name] = "This field is required."
    elif len(text) > limit:
        errors[name] = f"Keep it under {limit} characters (it has {len(text)})."
    return text


# ---------------------------------------------------------------------------------------
# Sessions


def _session_errors(
    *,
    review_cycle: ReviewCycle | None,
    name: str,
    facilitator: Person | None,
    participants: list[Person],
    population_teams: list[Team],
    grid: str,
    instance: CalibrationSession | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, "name", name, limit=NAME_MAX)
    if review_cycle is None:
        errors["review_cycle"] = "Choose the review cycle to calibrate."
    elif review_cycle.state != ReviewCycle.State.OPEN:
        errors["review_cycle"] = (
            f"{review_cycle.name} is {review_cycle.get_state_display().lower()}; sessions are "
            "set up for an open review cycle."
        )
    elif "name" not in errors:
        clash = CalibrationSession.objects.filter(review_cycle=review_cycle, name__iexact=name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["name"] = f"{review_cycle.name} has a session called {name!r} already."
    if facilitator is None:
        errors["facilitator"] = "Choose who facilitates the session."
    elif not facilitator.is_active:
        errors["facilitator"] = f"{facilitator.name} is no longer active."
    if inactive := [p.name for p in participants if not p.is_active]:
        errors["participants"] = f"No longer active: {', '.join(inactive)}."
    if not population_teams:
        errors["population_teams"] = "Choose at least one team (the teams inside it come too)."
    if grid not in CalibrationSession.Grid.values:
        errors["grid"] = f"Choose one of: {', '.join(CalibrationSession.Grid.values)}."
    elif (
        grid == CalibrationSession.Grid.PERFORMANCE_POTENTIAL
        and review_cycle is not None
        and not review_cycle.rate_potential
    ):
        errors["grid"] = (
            f"{review_cycle.name} does not rate potential; use the rating-by-attainment grid."
        )
    return errors


def _population_reviews(review_cycle: ReviewCycle, teams: list[Team]) -> list[int]:
    people = population_people(population=ReviewCycle.Population.TEAMS, teams=teams)
    return list(
        Review.objects.filter(review_cycle=review_cycle, subject__in=people.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _set_reviews(session: CalibrationSession, review_ids: list[int]) -> None:
    through = CalibrationSession.reviews.through
    through.objects.filter(calibrationsession_id=session.pk).delete()
    through.objects.bulk_create(
        [through(calibrationsession_id=session.pk, review_id=pk) for pk in review_ids],
        batch_size=1000,
    )


@transaction.atomic
def create_session(
    *,
    acting_user: Person | None,
    review_cycle: ReviewCycle | None,
    name: str,
    facilitator: Person | None,
    participants: Iterable[Person] = (),
    population_teams: Iterable[Team] = (),
    grid: str = CalibrationSession.Grid.RATING_ATTAINMENT,
) -> CalibrationSession:
    """A draft session over the reviews of the population's people (HR)."""
    _hr(acting_user)
    participants = list(participants)
    teams = list(population_teams)
    name = (name or "").strip()
    errors = _session_errors(
        review_cycle=review_cycle,
        name=name,
        facilitator=facilitator,
        participants=participants,
        population_teams=teams,
        grid=grid,
    )
    review_ids: list[int] = []
    if not errors:
        assert review_cycle is not None
        review_ids = _population_reviews(review_cycle, teams)
        if not review_ids:
            errors["population_teams"] = (
                f"Nobody in these teams has a review in {review_cycle.name}."
            )
    if errors:
        raise InvalidInput(errors)
    assert review_cycle is not None and facilitator is not None
    session = CalibrationSession.objects.create(
        review_cycle=review_cycle,
        name=name,
        facilitator=facilitator,
        grid=grid,
        created_by=acting_user,
    )
    session.participants.set(participants)
    session.population_teams.set(teams)
    _set_reviews(session, review_ids)
    audit.record(
        actor=acting_user,
        action="calibration.create_session",
        subject=session,
        data={
            "review_cycle": review_cycle.pk,
            "facilitator": facilitator.pk,
            "participants": sorted(p.pk for p in participants),
            "population_teams": sorted(t.pk for t in teams),
            "reviews": len(review_ids),
            "grid": grid,
        },
    )
    return session


@transaction.atomic
def update_session(
    *,
    acting_user: Person | None,
    session: CalibrationSession,
    name: str,
    facilitator: Person | None,
    participants: Iterable[Person] = (),
    population_teams: Iterable[Team] = (),
    grid: str = CalibrationSession.Grid.RATING_ATTAINMENT,
) -> CalibrationSession:
    """Change a draft session (HR): its name, facilitator, participants, grid and teams (its
    reviews are worked out again from the teams)."""
    _hr(acting_user)
    session = (
        CalibrationSession.objects.select_for_update()
        .select_related("review_cycle")
        .get(pk=session.pk)
    )
    if session.state != STATES.DRAFT:
        raise InvalidInput.one(
            "state",
            f"{session.name} is {session.get_state_display().lower()}; only a draft "
            "session can be changed.",
        )
    participants = list(participants)
    teams = list(population_teams)
    name = (name or "").strip()
    errors = _session_errors(
        review_cycle=session.review_cycle,
        name=name,
        facilitator=facilitator,
        participants=participants,
        population_teams=teams,
        grid=grid,
        instance=session,
    )
    review_ids: list[int] = []
    if not errors:
        review_ids = _population_reviews(session.review_cycle, teams)
        if not review_ids:
            errors["population_teams"] = (
                f"Nobody in these teams has a review in {session.review_cycle.name}."
            )
    if errors:
        raise InvalidInput(errors)
    assert facilitator is not None
    before = {
        "name": session.name,
        "facilitator": session.facilitator_id,
        "participants": sorted(session.participants.values_list("pk", flat=True)),
        "population_teams": sorted(session.population_teams.values_list("pk", flat=True)),
        "grid": session.grid,
    }
    session.name, session.facilitator, session.grid = name, facilitator, grid
    session.save(update_fields=["name", "facilitator", "grid"])
    session.participants.set(participants)
    session.population_teams.set(teams)
    _set_reviews(session, review_ids)
    audit.record(
        actor=acting_user,
        action="calibration.update_session",
        subject=session,
        data={
            "before": before,
            "after": {
                "name": name,
                "facilitator": facilitator.pk,
                "participants": sorted(p.pk for p in participants),
                "population_teams": sorted(t.pk for t in teams),
                "grid": grid,
            },
            "reviews": len(review_ids),
        },
    )
    return session


def _missing_message(missing: list[tuple[calibration.Row, rules.Flag]]) -> str:
    names: dict[str, list[str]] = {}
    for row, flag in missing:
        names.setdefault(row.name, []).append(flag.title.lower())
    listed = "; ".join(f"{name} ({', '.join(titles)})" for name, titles in names.items())
    return f"Explain the flagged ratings first: {listed}."


@transaction.atomic
def set_session_state(
    *, acting_user: Person, session: CalibrationSession, state: str
) -> CalibrationSession:
    """Move a session on: draft > live > complete (its facilitator or HR)."""
    viewer = _viewer(acting_user)
    session = (
        CalibrationSession.objects.select_for_update()
        .select_related("review_cycle__goal_cycle")
        .get(pk=session.pk)
    )
    if not viewer.can_facilitate(session):
        raise NotAllowed("Only the session's facilitator and HR change its state.")
    if state not in STATES.values:
        raise InvalidInput.one("state", f"Choose one of: {', '.join(STATES.values)}.")
    wanted = NEXT_STATE.get(STATES(session.state))
    if state != wanted:
        if wanted is None:
            message = f"{session.name} is complete; it cannot change any more."
        else:
            message = (
                f"{session.name} is {session.get_state_display().lower()}; it can only move "
                f"to {STATES(wanted).label.lower()}."
            )
        raise InvalidInput.one("state", message)
    if state == STATES.LIVE and session.review_cycle.state != ReviewCycle.State.OPEN:
        raise InvalidInput.one(
            "state", f"{session.review_cycle.name} is not open; its ratings cannot move."
        )
    if state == STATES.COMPLETE:
        if session.reviews.filter(subject_id=viewer.pk).exists():
            # The check below reads every rating of the session, one's own included: its
            # answer would tell one about one's own review, so it is never given to them.
            raise InvalidInput.one(
                "state",
                f"Your own review is in {session.name}, so an HR admin other than you "
                "completes it (explaining any flag on your review first).",
            )
        missing = calibration.unexplained_flags(session)
        if missing:
            raise InvalidInput.one("state", _missing_message(missing))
    before = session.state
    now = timezone.now()
    session.state = state
    fields = ["state"]
    if state == STATES.LIVE:
        session.started_at = now
        fields.append("started_at")
    else:
        session.completed_at, session.completed_by = now, acting_user
        fields += ["completed_at", "completed_by"]
    session.save(update_fields=fields)
    audit.record(
        actor=acting_user,
        action="calibration.set_state",
        subject=session,
        data={"from": before, "to": state},
    )
    return session


# ---------------------------------------------------------------------------------------
# Moves and explanations


def _value(errors: dict[str, str], name: str, value: Any, scale: rules.Scale) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        errors[name] = "Choose a level of the scale."
        return None
    try:
        number = int(value)
        if isinstance(value, float | str) and float(value) != number:
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = f"{value!r} is not a level of the scale."
        return None
    if number not in scale.values:
        levels = ", ".join(str(v) for v in scale.values)
        errors[name] = f"{number} is not on the scale ({levels})."
        return None
    return number


def _live_review(
    viewer: ReviewViewer, session: CalibrationSession, review: Review
) -> tuple[CalibrationSession, Review]:
    """Lock the session and the review; refuse unless the actor may calibrate it now."""
    session = (
        CalibrationSession.objects.select_for_update()
        .select_related("review_cycle")
        .get(pk=session.pk)
    )
    if not session.reviews.filter(pk=review.pk).exists():
        raise InvalidInput.one("review", "That review is not in this session.")
    review = Review.objects.select_for_update().select_related("subject").get(pk=review.pk)
    if not viewer.can_calibrate(session, review):
        raise NotAllowed("Only the session's facilitator and HR do that (never on their own).")
    if session.state != STATES.LIVE:
        raise InvalidInput.one(
            "state",
            f"{session.name} is {session.get_state_display().lower()}; ratings move only while "
            "it is live.",
        )
    return session, review


@transaction.atomic
def move_rating(
    *,
    acting_user: Person,
    session: CalibrationSession,
    review: Review,
    value: Any,
    reason: str,
    field: str = RatingChange.Field.RATING,
) -> RatingChange:
    """Move one review's rating (or potential) in a live session, with a reason."""
    viewer = _viewer(acting_user)
    session, review = _live_review(viewer, session, review)
    cycle = session.review_cycle
    errors: dict[str, str] = {}
    if field not in RatingChange.Field.values:
        raise InvalidInput.one("field", f"Choose one of: {', '.join(RatingChange.Field.values)}.")
    if field == RatingChange.Field.POTENTIAL and not cycle.rate_potential:
        raise InvalidInput.one("field", f"{cycle.name} does not rate potential.")
    scale = (
        calibration.potential_scale_of(cycle)
        if field == RatingChange.Field.POTENTIAL
        else calibration.scale_of(cycle)
    )
    new = _value(errors, "value", value, scale)
    text = _text(errors, "reason", reason, limit=TEXT_MAX)
    if cycle.state != ReviewCycle.State.OPEN:
        errors["__all__"] = f"{cycle.name} is {cycle.get_state_display().lower()}."
    elif review.is_shared:
        errors["__all__"] = (
            f"{review.subject.name}'s review is shared already; HR amends it with a reason."
        )
    elif review.state in (Review.State.SELF_REVIEW, Review.State.MANAGER_REVIEW):
        errors["__all__"] = (
            f"{review.subject.name}'s manager review is not submitted yet; only submitted "
            "ratings are calibrated."
        )
    old = getattr(review, field)
    if "value" not in errors and new == old:
        errors["value"] = f"The {field} is {scale.label(old)} already."
    if errors:
        raise InvalidInput(errors)
    setattr(review, field, new)
    review.save(update_fields=[field])
    change = RatingChange.objects.create(
        review=review,
        session=session,
        field=field,
        old_value=old,
        new_value=new,
        reason=text,
        author=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="calibration.move_rating",
        subject=review,
        data={"session": session.pk, "field": field, "old": old, "new": new, "reason": text},
    )
    return change


@transaction.atomic
def explain_flag(
    *, acting_user: Person, session: CalibrationSession, review: Review, rule: str, text: str
) -> FlagExplanation:
    """Answer a flag on one review of a live session (its facilitator or HR)."""
    viewer = _viewer(acting_user)
    session, review = _live_review(viewer, session, review)
    errors: dict[str, str] = {}
    if rule not in rules.CODES:
        errors["rule"] = f"Choose one of: {', '.join(rules.CODES)}."
    body = _text(errors, "text", text, limit=TEXT_MAX)
    if "rule" not in errors:
        rows = calibration.load_rows(
            session, visible=viewer.calibration_review_filter(), with_explanations=False
        )
        calibration.apply_rules(
            rows, calibration.scale_of(session.review_cycle), calibration.rules_in_force()
        )
        row = next((r for r in rows if r.review_id == review.pk), None)
        if row is None or rule not in {f.code for f in row.flags}:
            errors["rule"] = (
                f"{review.subject.name}'s rating is not flagged by "
                f"{rules.DEFINITIONS[rule].title.lower()!r}."
            )
    if errors:
        raise InvalidInput(errors)
    explanation = FlagExplanation.objects.create(
        session=session, review=review, rule=rule, text=body, author=acting_user
    )
    audit.record(
        actor=acting_user,
        action="calibration.explain_flag",
        subject=review,
        data={"session": session.pk, "rule": rule, "text": body},
    )
    return explanation


# ---------------------------------------------------------------------------------------
# Rules


def ensure_default_rules() -> list[CalibrationRule]:
    """Store the default rules that have no row yet (the demo and HR's page call this)."""
    existing = set(CalibrationRule.objects.values_list("code", flat=True))
    made = [
        CalibrationRule(
            code=code,
            enabled=d.enabled,
            requires_explanation=d.requires_explanation,
            params=d.defaults(),
            description=d.description,
        )
        for code, d in rules.DEFINITIONS.items()
        if code not in existing
    ]
    if made:
        CalibrationRule.objects.bulk_create(made, ignore_conflicts=True)
    return list(CalibrationRule.objects.all())


@transaction.atomic
def update_rule(
    *,
    acting_user: Person | None,
    code: str,
    enabled: bool,
    requires_explanation: bool,
    params: Mapping[str, Any],
) -> CalibrationRule:
    """HR switches a rule on or off, sets its parameters and whether its flags need an
    explanation before a session can complete."""
    _hr(acting_user)
    if code not in rules.DEFINITIONS:
        raise InvalidInput.one("code", f"Unknown rule; the rules are {', '.join(rules.CODES)}.")
    errors = rules.param_errors(code, params)
    for name, value in (("enabled", enabled), ("requires_explanation", requires_explanation)):
        if not isinstance(value, bool):
            errors[name] = "Answer true or false."
    if errors:
        raise InvalidInput(errors)
    definition = rules.DEFINITIONS[code]
    cleaned = rules.clean_params(code, {**definition.defaults(), **dict(params)})
    rule, _ = CalibrationRule.objects.select_for_update().get_or_create(
        code=code,
        defaults={
            "enabled": definition.enabled,
            "requires_explanation": definition.requires_explanation,
            "params": definition.defaults(),
            "description": definition.description,
        },
    )
    before = {
        "enabled": rule.enabled,
        "requires_explanation": rule.requires_explanation,
        "params": rule.params,
    }
    rule.enabled, rule.requires_explanation, rule.params = enabled, requires_explanation, cleaned
    rule.updated_by, rule.updated_at = acting_user, timezone.now()
    rule.save()
    audit.record(
        actor=acting_user,
        action="calibration.update_rule",
        subject=rule,
        data={
            "code": code,
            "before": before,
            "after": {
                "enabled": enabled,
                "requires_explanation": requires_explanation,
                "params": cleaned,
            },
        },
    )
    return rule
