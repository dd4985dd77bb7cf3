"""Reads for the evidence pack, always through the access policy.

``evidence_pack(user, review)`` builds the four parts of a review's evidence from the OKR
data as of the OKR cycle's end (``reviews.evidence.figures``): context (company and team
objectives, strategy shifts), the person's objectives (planned against actual, grades,
check-ins, confidence, retrospectives), contribution (initiatives, peer feedback as far as
the viewer may see it, kudos, and the story told by ``reviews.evidence.narrative``) and the
forward-looking drafts. It runs a fixed number of queries whatever the size of the
organisation; objectives the viewer may not see are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from lineofsight.core.errors import NotFound
from lineofsight.goals import history
from lineofsight.goals.models import (
    AlignmentLink,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
    ObjectiveRevision,
    Retrospective,
)
from lineofsight.people.models import Membership, Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.evidence import figures, forward, narrative
from lineofsight.reviews.evidence.shapes import (
    CheckInRow,
    Context,
    Contribution,
    FeedbackSummary,
    InitiativeRow,
    KeyResultRow,
    KudosRow,
    ObjectiveRow,
    Pack,
    Period,
    Retro,
    Shift,
    TeamBlock,
)
from lineofsight.reviews.evidence.visibility import visible_objective_ids
from lineofsight.reviews.models import Feedback, Kudos, Review

LIVE = ("active", "closed")


def reviews_for_user(user: Person) -> QuerySet[Review]:
    return Review.objects.filter(ReviewViewer.of(user).review_filter()).select_related(
        "subject",
        "manager",
        "review_cycle__goal_cycle__parent",
        "review_cycle__next_goal_cycle",
    )


def get_review_for_user(user: Person, pk: Any) -> Review:
    """The review, if the viewer may open it; ``NotFound`` otherwise (missing alike)."""
    try:
        return reviews_for_user(user).get(pk=int(pk))
    except (ValueError, TypeError, Review.DoesNotExist):
        raise NotFound("No such review.") from None


def _objective_row(
    o: Objective,
    revisions: _Revisions,
    *,
    state: str,
    progress: float | None,
    key_results: list[KeyResultRow],
    retrospective: Retro | None = None,
    graded: bool = True,
) -> ObjectiveRow:
    """An objective as the evidence shows it: as defined at the time the evidence
    describes, with its figure then and its grades (``graded``: when they belong to the
    period; a year's grades are not part of a quarter's evidence)."""
    return ObjectiveRow(
        id=o.pk,
        title=revisions.title(o),
        level=o.level,
        owner=_owner(o),
        cycle=o.cycle.name,
        commitment=o.commitment,
        state=state,
        progress=progress,
        computed_grade=o.computed_grade if graded else None,
        adjusted_grade=o.adjusted_grade if graded else None,
        grade_reason=o.grade_reason if graded else "",
        rationale=o.rationale,
        abandoned=revisions.abandoned(o),
        key_results=key_results,
        retrospective=retrospective,
    )


def _owner(o: Objective) -> str:
    if o.owner_team_id:
        return o.owner_team.name  # type: ignore[union-attr]
    return o.owner_person.name if o.owner_person else ""  # type: ignore[union-attr]


def _key_result_rows(
    krs: Sequence[KeyResult],
    at: dict[int, figures.KeyResultAt],
    names: dict[int, str],
    covered: figures.Coverage | None = None,
    since: dt.datetime | None = None,
) -> list[KeyResultRow]:
    """Key results as the evidence shows them: their figure at the end; the check-ins (and
    the confidence trend) recorded in the period from ``since``; grades when ``covered``
    counts their cycle's (see ``Coverage.graded_within``)."""
    rows = []
    for kr in krs:
        item = at.get(kr.pk)
        if item is None:
            continue
        graded = covered is None or covered.graded_within(kr.cycle_id)
        readings = [r for r in item.readings if since is None or r.at >= since]
        rows.append(
            KeyResultRow(
                id=kr.pk,
                title=item.title,
                kind=item.kind,
                unit=item.unit,
                signal=item.signal,
                owner=names.get(item.owner_id, ""),
                start=item.start,
                target=item.target,
                actual=item.actual,
                done=item.done,
                progress=item.progress,
                confidence=item.confidence,
                computed_grade=kr.computed_grade if graded else None,
                adjusted_grade=kr.adjusted_grade if graded else None,
                grade_reason=kr.grade_reason if graded else "",
                abandoned=item.abandoned.note() if item.abandoned else "",
                revision=item.revision_note,
                trend=narrative.confidence_trend([r.confidence for r in readings]),
                check_ins=[
                    CheckInRow(r.at, r.value, r.done, r.confidence, r.note, r.blockers)
                    for r in readings
                ],
                cycle=covered.name(kr.cycle_id) if covered else "",
            )
        )
    return rows


class _Revisions:
    """Objective revisions by the evidence instant: the state and title then, and the
    strategy shifts during the cycle."""

    def __init__(self, objective_ids: Iterable[int], as_of: dt.datetime) -> None:
        self.by_objective: dict[int, list[ObjectiveRevision]] = defaultdict(list)
        rows = (
            ObjectiveRevision.objects.filter(objective_id__in=sorted(set(objective_ids)))
            .filter(valid_from__lte=as_of)
            .select_related("author")
            .order_by("objective_id", "number")
        )
        for rev in rows:
            self.by_objective[rev.objective_id].append(rev)

    def state(self, o: Objective) -> str:
        revs = self.by_objective.get(o.pk)
        return revs[-1].state if revs else o.state

    def title(self, o: Objective) -> str:
        revs = self.by_objective.get(o.pk)
        return revs[-1].title if revs else o.title

    def abandoned(self, o: Objective) -> str:
        revs = self.by_objective.get(o.pk, [])
        found = history.abandonments_from_rows(
            (r.objective_id, r.number, r.state, r.reason, r.author_id, r.valid_from) for r in revs
        ).get(o.pk)
        return found.note() if found else ""

    def all(self) -> list[ObjectiveRevision]:
        return [r for revs in self.by_objective.values() for r in revs]


def _shifts(
    objectives: dict[int, Objective],
    revisions: _Revisions,
    kr_revisions: Sequence[Any],
    since: dt.datetime,
) -> list[Shift]:
    """Revisions after an objective's or key result's first version, made during the cycle."""
    out: list[Shift] = []
    obj_revs = revisions.all()
    changed = history.changed_fields(obj_revs, history.OBJECTIVE_FIELD_LABELS, "objective_id")
    for rev in obj_revs:
        if rev.number <= 1 or rev.valid_from < since or rev.objective_id not in objectives:
            continue
        what = "abandoned" if rev.state == "abandoned" else ", ".join(changed.get(rev.pk, []))
        out.append(
            Shift(
                rev.valid_from,
                "objective",
                rev.title,
                what or "revised",
                rev.reason,
                rev.author.name if rev.author else "",
            )
        )
    kr_changed = history.changed_fields(
        kr_revisions, history.KEY_RESULT_FIELD_LABELS, "key_result_id"
    )
    for rev in kr_revisions:
        if rev.number <= 1 or rev.valid_from < since:
            continue
        what = "abandoned" if rev.state == "abandoned" else ", ".join(kr_changed.get(rev.pk, []))
        out.append(
            Shift(
                rev.valid_from,
                "key result",
                rev.title,
                what or "revised",
                rev.reason,
                rev.author.name if rev.author else "",
            )
        )
    out.sort(key=lambda s: s.at)
    return out


def _feedback_summary(viewer: ReviewViewer, review: Review) -> FeedbackSummary:
    """Peer feedback counts, named authors the viewer may read, anonymous answers counted --
    only once released (when the review's feedback phase closes), so that no count moves
    with one anonymous answer, and only from the anonymity minimum up, so that no count
    tells who answered."""
    from lineofsight.reviews.access import ANONYMITY_MINIMUM, anonymous_counted, anonymous_released

    rows = list(
        Feedback.objects.filter(review=review, kind=Feedback.Kind.PEER)
        .exclude(state=Feedback.State.DECLINED)
        .annotate(
            readable=_readable(viewer),
        )
        .values_list("state", "anonymous", "readable", "author__display_name", "author__username")
    )
    released = anonymous_released(review)
    answered = [r for r in rows if r[0] == Feedback.State.SUBMITTED]
    anonymous = anonymous_counted(sum(1 for r in answered if r[1]), released)
    submitted = [r for r in answered if anonymous or not r[1]]
    named = sorted((r[3] or r[4]) for r in submitted if not r[1] and r[2])
    sees_some = viewer.sees_outcome(review) or review.subject_id == viewer.pk
    shown = sees_some and anonymous >= ANONYMITY_MINIMUM
    due = review.review_cycle.peer_feedback_due
    if not rows:
        note = "No peer feedback was requested."
    elif not released and any(r[1] for r in rows):
        note = (
            "Anonymous answers are counted and shown together once the feedback phase closes "
            f"({due.day} {due:%b %Y})."
        )
    elif any(r[1] for r in rows) and not shown:
        note = (
            "Anonymous answers are counted and shown only in aggregate, "
            f"from {ANONYMITY_MINIMUM} answers up."
        )
    else:
        note = ""
    return FeedbackSummary(
        requested=len(rows),
        submitted=len(submitted),
        named_authors=named,
        anonymous_submitted=anonymous if sees_some else 0,
        anonymous_shown=shown,
        note=note,
    )


def _readable(viewer: ReviewViewer) -> Any:
    from django.db.models import BooleanField, Case, Value, When

    condition = viewer.feedback_filter()
    if not condition:
        return Value(True, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def evidence_pack(user: Person, review: Review) -> Pack:
    """The review's evidence pack (see the module's docstring). ``review`` comes from
    ``get_review_for_user``."""
    viewer = ReviewViewer.of(user)
    if not viewer.sees_evidence(review):
        raise NotFound("No such review.")
    rc = review.review_cycle
    cycle = rc.goal_cycle
    as_of, ended, pending = figures.evidence_instant(cycle)
    covered = figures.coverage(cycle)
    scope = covered.ids
    since, _ = cycle.bounds(figures.organisation_time_zone())
    subject = review.subject
    related = ("owner_team", "owner_person", "cycle")
    mine_all = list(
        Objective.objects.filter(owner_person=subject, cycle_id__in=scope, created_at__lte=as_of)
        .select_related(*related)
        .order_by("cycle__start_date", "pk")
    )
    # Objectives of a team or of someone else that may hold key results the person owned
    # then (a subquery of the next query; which ones do is known once the figures are read).
    holding = (
        KeyResult.objects.filter(
            Q(owner=subject) | Q(revisions__owner=subject, revisions__valid_from__lte=as_of),
            cycle_id__in=scope,
            created_at__lte=as_of,
        )
        .exclude(objective__owner_person=subject)
        .values("objective_id")
    )
    all_links = list(
        AlignmentLink.objects.in_force_at(as_of)
        .filter(child_id__in=[o.pk for o in mine_all])
        .select_related("parent_key_result")
        .order_by("child_id", "pk")
    )
    all_fed = [_target_id(link) for link in all_links]
    team_ids = list(
        Membership.objects.filter(person=subject)
        .order_by("team__name")
        .values_list("team_id", flat=True)
    )
    candidates = list(
        Objective.objects.filter(
            Q(level=Objective.Level.COMPANY, cycle_id__in=scope)
            | Q(owner_team_id__in=team_ids, cycle_id__in=scope)
            | Q(pk__in=all_fed)
            | Q(pk__in=holding),
            created_at__lte=as_of,
        )
        .select_related(*related)
        .order_by("cycle__start_date", "title", "pk")
    )
    raw_initiatives = list(
        Initiative.objects.filter(owner=subject, key_result__cycle_id__in=scope)
        .select_related("key_result__owner")
        .order_by("pk")
    )
    fed_teams = [o.owner_team_id for o in candidates if o.pk in set(all_fed) and o.owner_team_id]
    next_objectives, drafts = forward.load(review, [*team_ids, *fed_teams])
    visible = visible_objective_ids(
        viewer,
        [
            *(o.pk for o in mine_all),
            *(o.pk for o in candidates),
            *(i.key_result.objective_id for i in raw_initiatives),
            *(o.pk for o in next_objectives),
            *(d.objective_id for d in drafts),
        ],
    )
    mine = [o for o in mine_all if o.pk in visible]
    links = [link for link in all_links if link.child_id in visible]
    others = {o.pk: o for o in candidates if o.pk in visible}
    shown: dict[int, Objective] = {o.pk: o for o in mine}
    shown.update(others)
    revisions = _Revisions(shown, as_of)
    krs = [
        kr
        for kr in KeyResult.objects.filter(objective_id__in=list(shown)).order_by(
            "objective_id", "position", "pk"
        )
        if kr.cycle_id in scope
    ]
    aligned_ids = [kr.pk for kr in krs if kr.source == KeyResult.Source.ALIGNED]
    obj_figures, kr_figures = figures.objective_figures(
        cycle, ended and not pending, shown, aligned_ids
    )
    kr_at, kr_revisions = figures.key_results_with_revisions(krs, as_of, aligned=kr_figures)
    owner_ids = {item.owner_id for item in kr_at.values()}
    names = dict(
        (pk, display or username)
        for pk, display, username in Person.objects.filter(pk__in=owner_ids).values_list(
            "pk", "display_name", "username"
        )
    )
    krs_of: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        krs_of[kr.objective_id].append(kr)
    retros = {
        r.objective_id: r
        for r in Retrospective.objects.filter(objective_id__in=[o.pk for o in mine])
    }

    def owned(kr: KeyResult) -> bool:
        return kr.pk in kr_at and kr_at[kr.pk].owner_id == subject.pk

    held = [
        o
        for o in others.values()
        if o.owner_person_id != subject.pk and any(owned(kr) for kr in krs_of.get(o.pk, []))
    ]
    fed_ids = [_target_id(link) for link in links] + [o.pk for o in held]
    second_links = list(
        AlignmentLink.objects.in_force_at(as_of)
        .filter(child_id__in=sorted(set(fed_ids) & set(others)))
        .select_related("parent_key_result")
        .order_by("child_id", "pk")
    )

    def row(o: Objective, *, with_history: bool, only_theirs: bool = False) -> ObjectiveRow | None:
        state = revisions.state(o)
        if state == "draft":
            return None
        theirs = [kr for kr in krs_of.get(o.pk, []) if owned(kr) or not only_theirs]
        kr_rows = _key_result_rows(theirs, kr_at, names, covered, since)
        if not with_history:
            for kr_row in kr_rows:
                kr_row.check_ins = []
        return _objective_row(
            o,
            revisions,
            state=state,
            progress=obj_figures[o.pk].progress if o.pk in obj_figures else None,
            key_results=kr_rows,
            retrospective=Retro(r.what_happened, r.in_control, r.learned, r.decision)
            if (r := retros.get(o.pk))
            else None,
            graded=covered.graded_within(o.cycle_id),
        )

    # 2. The person's objectives, the key results they own on others', and what they fed.
    destinations: list[narrative.Destination] = []
    fed_rows: dict[int, list[str]] = defaultdict(list)
    linked_company: list[narrative.Measure] = []
    for link in links:
        target = others.get(_target_id(link))
        if target is None:
            continue
        fed_rows[link.child_id].append(f"{_owner(target)}: {revisions.title(target)}")
        _add(destinations, narrative.Destination(_owner(target), revisions.title(target)))
        if target.level == Objective.Level.COMPANY and not _theirs(link, kr_at, subject):
            linked_company.append(_measure(kr_at[link.parent_key_result_id]))  # type: ignore[index]
    objective_rows = []
    growth_rows = []
    for o in mine:
        r = row(o, with_history=True)
        if r is not None and o.is_development:
            growth_rows.append(r)
        elif r is not None:
            r.fed = fed_rows.get(o.pk, [])
            objective_rows.append(r)
    other_rows = []
    for o in held:
        r = row(o, with_history=True, only_theirs=True)
        if r is not None and r.key_results:
            other_rows.append(r)
            _add(destinations, narrative.Destination(_owner(o), revisions.title(o)))

    # 1. Context: the company, the person's teams and what the person fed.
    company_rows = [
        r
        for o in others.values()
        if o.level == Objective.Level.COMPANY and (r := row(o, with_history=False))
    ]
    blocks: dict[str, list[ObjectiveRow]] = defaultdict(list)
    for o in others.values():
        if o.level == Objective.Level.COMPANY:
            continue
        r = row(o, with_history=False)
        if r is not None:
            blocks[_owner(o)].append(r)
    shifts = _shifts(
        shown, revisions, [rv for rv in kr_revisions if rv.key_result_id in kr_at], since
    )

    # 3. Contribution: the story, initiatives, feedback, kudos.
    company_ids = {o.pk for o in others.values() if o.level == Objective.Level.COMPANY}
    for link in second_links:
        if not _theirs(link, kr_at, subject) and (
            link.parent_key_result.objective_id in company_ids  # type: ignore[union-attr]
        ):
            linked_company.append(_measure(kr_at[link.parent_key_result_id]))  # type: ignore[index]
    fed_company = {_target_id(link) for link in [*links, *second_links]} | set(fed_ids)
    company_krs = [
        _measure(kr_at[kr.pk])
        for cid in sorted(fed_company & company_ids)
        for kr in krs_of.get(cid, [])
        if kr.pk in kr_at and kr.source == KeyResult.Source.CHECK_INS and not owned(kr)
    ]
    theirs_ids = {kr.pk for kr in krs if owned(kr)}
    company_measure = narrative.pick_company_measure(
        [d.title for d in destinations], linked_company, company_krs
    )
    own = [
        kr for o in [*objective_rows, *other_rows] for kr in o.key_results if kr.id in theirs_ids
    ]
    story = narrative.contribution_story(
        _first_name(subject),
        [kr.measure for kr in own],
        destinations,
        company_measure,
        periods=_by_period(covered, own) if covered.annual else (),
    )
    initiatives = [
        InitiativeRow(
            i.title,
            i.get_state_display(),
            i.key_result.title,
            i.key_result.owner.name,
        )
        for i in raw_initiatives
        if i.key_result.objective_id in visible
    ]
    kudos = [
        KudosRow(k.created_at, k.author.name, k.message, k.key_result.title if k.key_result else "")
        for k in Kudos.objects.filter(
            recipient=subject, created_at__gte=since, created_at__lte=as_of
        )
        .select_related("author", "key_result")
        .order_by("created_at", "pk")
    ]
    contribution = Contribution(
        story=story,
        fed=destinations,
        company=company_measure,
        initiatives=initiatives,
        feedback=_feedback_summary(viewer, review),
        kudos=kudos,
    )
    return Pack(
        review_id=review.pk,
        person=subject.name,
        person_id=subject.pk,
        review_cycle=rc.name,
        goal_cycle=cycle.name,
        as_of=as_of,
        ended=ended,
        pending=pending,
        context=Context(
            company=company_rows,
            teams=[TeamBlock(team, rows) for team, rows in blocks.items()],
            shifts=shifts,
        ),
        objectives=objective_rows,
        contribution=contribution,
        forward=forward.part(viewer, review, next_objectives, drafts, visible),
        periods=[Period(c.name, c.kind, c.start_date, c.end_date) for c in covered.cycles],
        other_objectives=other_rows,
        growth=growth_rows,
    )


def _target_id(link: AlignmentLink) -> int:
    """The objective a link points at (itself, or the objective of its key result)."""
    return link.parent_objective_id or link.parent_key_result.objective_id  # type: ignore[union-attr, return-value]


def _theirs(link: AlignmentLink, kr_at: dict[int, figures.KeyResultAt], subject: Person) -> bool:
    """Whether a link points at no key result in the pack, or at one the person owned: the
    company figure the story ends on is someone else's, not theirs told twice."""
    item = kr_at.get(link.parent_key_result_id or 0)
    return item is None or item.owner_id == subject.pk


def _add(destinations: list[narrative.Destination], dest: narrative.Destination) -> None:
    if dest not in destinations:
        destinations.append(dest)


def _by_period(
    covered: figures.Coverage, rows: Sequence[KeyResultRow]
) -> list[tuple[str, list[narrative.Measure]]]:
    """A year's key results by cycle, quarters in order and the year's own last: "In Q3
    2026" and "Over FY 2026"."""
    out = []
    for c in [*covered.cycles[1:], covered.cycles[0]]:
        measures = [kr.measure for kr in rows if kr.cycle == c.name]
        if measures:
            lead = f"Over {c.name}" if c.kind == Cycle.Kind.ANNUAL else f"In {c.name}"
            out.append((lead, measures))
    return out


def _first_name(person: Person) -> str:
    name = (person.first_name or person.name or person.username).strip()
    return name.split()[0] if name else person.username


def _measure(item: figures.KeyResultAt) -> narrative.Measure:
    return narrative.Measure(
        title=item.title,
        kind=item.kind,
        unit=item.unit,
        start=item.start,
        target=item.target,
        actual=item.actual,
        done=item.done,
        abandoned=item.abandoned is not None,
    )
