"""Reading the definitions' history: when and why something was abandoned, and which
revision of a definition was in force at a given instant.

Explanations use it to say "abandoned on 2026-11-02: the territory moved, not counted" and,
for a figure recomputed as of a past date, which definition (revision number, start and
target) applied then. Every function reads the revisions of a batch in one query per kind;
callers pass ids they have already read through the access policy.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from lineofsight.goals import scoring
from lineofsight.goals.models import KeyResultRevision, ObjectiveRevision
from lineofsight.people.selectors import organisation_time_zone

ABANDONED = "abandoned"


@dataclass(frozen=True)
class Abandonment:
    """When something was abandoned (the revision that abandoned it), by whom and why."""

    at: dt.datetime
    reason: str
    author_id: int | None
    revision: int

    def day(self) -> dt.date:
        return timezone.localtime(self.at, zoneinfo.ZoneInfo(organisation_time_zone())).date()

    def note(self) -> str:
        """The wording explanations use for a term that does not count."""
        reason = _clause(self.reason)
        because = f": {reason}" if reason else ""
        return f"abandoned on {self.day().isoformat()}{because}, not counted"


def abandonments_from_rows(
    rows: Iterable[tuple[int, int, str, str, int | None, dt.datetime]],
) -> dict[int, Abandonment]:
    """From (owner id, number, state, reason, author, valid_from) rows in number order: the
    revision that started each owner's latest abandonment, if it is still abandoned."""
    out: dict[int, Abandonment] = {}
    for pk, number, state, reason, author, at in rows:
        if state == ABANDONED:
            if pk not in out:
                out[pk] = Abandonment(at, reason, author, number)
        else:
            out.pop(pk, None)
    return out


def objective_abandonments(
    objective_ids: Iterable[int], as_of: dt.datetime | None = None
) -> dict[int, Abandonment]:
    """For each of these objectives abandoned (at ``as_of``, default now): when and why."""
    ids = sorted(set(objective_ids))
    if not ids:
        return {}
    qs = ObjectiveRevision.objects.filter(objective_id__in=ids)
    if as_of is not None:
        qs = qs.filter(valid_from__lte=as_of)
    return abandonments_from_rows(
        qs.order_by("objective_id", "number").values_list(
            "objective_id", "number", "state", "reason", "author_id", "valid_from"
        )
    )


def key_result_abandonments(
    key_result_ids: Iterable[int], as_of: dt.datetime | None = None
) -> dict[int, Abandonment]:
    """For each of these key results abandoned (at ``as_of``, default now): when and why."""
    ids = sorted(set(key_result_ids))
    if not ids:
        return {}
    qs = KeyResultRevision.objects.filter(key_result_id__in=ids)
    if as_of is not None:
        qs = qs.filter(valid_from__lte=as_of)
    return abandonments_from_rows(
        qs.order_by("key_result_id", "number").values_list(
            "key_result_id", "number", "state", "reason", "author_id", "valid_from"
        )
    )


def key_result_definitions(
    key_result_ids: Iterable[int], as_of: dt.datetime
) -> dict[int, KeyResultRevision]:
    """The revision of each key result's definition in force at ``as_of``."""
    ids = sorted(set(key_result_ids))
    if not ids:
        return {}
    out: dict[int, KeyResultRevision] = {}
    rows = KeyResultRevision.objects.filter(key_result_id__in=ids, valid_from__lte=as_of).order_by(
        "key_result_id", "valid_from", "number"
    )
    for rev in rows:
        out[rev.key_result_id] = rev  # the latest in force wins
    return out


def objective_definition(objective_id: int, as_of: dt.datetime) -> ObjectiveRevision | None:
    """The revision of an objective's definition in force at ``as_of``."""
    return (
        ObjectiveRevision.objects.filter(objective_id=objective_id, valid_from__lte=as_of)
        .order_by("-valid_from", "-number")
        .first()
    )


def _local_day(at: dt.datetime) -> str:
    return timezone.localtime(at, zoneinfo.ZoneInfo(organisation_time_zone())).date().isoformat()


def _clause(text: str) -> str:
    """A reason as a clause inside parentheses: without the full stop a sentence would add."""
    return text.strip().rstrip(".").rstrip()


def describe_key_result_revision(rev: KeyResultRevision) -> str:
    """ "revision 2 of 2026-11-02 (0 to 40 logos, weight 1; reason: territory doubled)"."""
    kind = scoring.KeyResultKind(rev.kind)
    unit = rev.unit
    if kind is scoring.KeyResultKind.MILESTONE:
        what = "milestone"
    elif kind.is_threshold:
        sign = "at or above" if kind is scoring.KeyResultKind.STAY_ABOVE else "at or below"
        what = f"{sign} {scoring.fmt(rev.target_value, unit)}"
    else:
        what = f"{scoring.fmt(rev.start_value, unit)} to {scoring.fmt(rev.target_value, unit)}"
    reason = f"; reason: {_clause(rev.reason)}" if rev.reason and rev.number > 1 else ""
    return (
        f"revision {rev.number} of {_local_day(rev.valid_from)} ({what}, weight "
        f"{rev.weight:g}{reason})"
    )


def describe_objective_revision(rev: ObjectiveRevision) -> str:
    mode = scoring.ProgressMode(rev.progress_mode).label.lower()
    reason = f"; reason: {_clause(rev.reason)}" if rev.reason and rev.number > 1 else ""
    return (
        f"revision {rev.number} of {_local_day(rev.valid_from)} ({rev.state}, "
        f"{rev.commitment}, progress from {mode}{reason})"
    )


# ---------------------------------------------------------------------------------------
# Explanations


def _replace(
    figure: scoring.Figure, terms: tuple[scoring.Term, ...], notes: list[str]
) -> scoring.Figure:
    exp = figure.explanation
    return scoring.Figure(
        figure.value,
        scoring.Explanation(exp.subject, exp.formula, terms, exp.result, exp.as_of, tuple(notes)),
    )


def annotate_objective_explanation(
    figure: scoring.Figure,
    objective_id: int,
    as_of: dt.datetime | None = None,
    *,
    maybe_abandoned: bool = True,
) -> scoring.Figure:
    """Say when and why abandoned inputs were abandoned and, for a past date, which
    definitions applied then. Objectives already masked (no id) are left as they are, so
    nothing is said about what the viewer may not see. ``maybe_abandoned=False`` (the
    objective is not abandoned now, and the figure is today's) saves a query."""
    terms = figure.explanation.terms
    kr_ids = [t.ref for t in terms if t.kind == "key_result" and t.ref]
    abandoned_krs = key_result_abandonments(
        [t.ref for t in terms if t.kind == "key_result" and t.ref and not t.counted], as_of
    )
    own_ids = [objective_id] if maybe_abandoned or as_of is not None else []
    abandoned_objs = objective_abandonments(
        own_ids + [t.ref for t in terms if t.kind == "objective" and t.ref and not t.counted],
        as_of,
    )
    new_terms = []
    for t in terms:
        gone = (abandoned_krs if t.kind == "key_result" else abandoned_objs).get(t.ref or 0)
        if gone is not None and not t.counted and t.note.startswith(ABANDONED):
            t = scoring.Term(t.kind, t.ref, t.label, t.value, t.weight, t.counted, gone.note())
        new_terms.append(t)
    notes = list(figure.explanation.notes)
    own = abandoned_objs.get(objective_id)
    if own is not None:
        notes.append(
            f"This objective was {own.note().replace(', not counted', '')}; it no longer "
            "counts towards what it is aligned to."
        )
    if as_of is not None:
        rev = objective_definition(objective_id, as_of)
        if rev is not None:
            notes.append(f"Objective definition then: {describe_objective_revision(rev)}.")
        definitions = key_result_definitions(kr_ids, as_of)
        for t in terms:
            if t.kind == "key_result" and t.ref in definitions:
                notes.append(
                    f"“{t.label}” then: {describe_key_result_revision(definitions[t.ref])}."
                )
    if new_terms == list(terms) and notes == list(figure.explanation.notes):
        return figure
    return _replace(figure, tuple(new_terms), notes)


def annotate_key_result_explanation(
    figure: scoring.Figure,
    key_result_id: int,
    as_of: dt.datetime | None = None,
    *,
    maybe_abandoned: bool = True,
) -> scoring.Figure:
    """Say when and why the key result was abandoned and, for a past date, which
    definition applied then. ``maybe_abandoned=False`` (it is not abandoned now, and the
    figure is today's) saves a query."""
    notes = list(figure.explanation.notes)
    gone = None
    if maybe_abandoned or as_of is not None:
        gone = key_result_abandonments([key_result_id], as_of).get(key_result_id)
    if gone is not None:
        text = gone.note().replace(", not counted", "")
        notes.append(f"{text[0].upper()}{text[1:]}; not counted in its objective's progress.")
    if as_of is not None:
        rev = key_result_definitions([key_result_id], as_of).get(key_result_id)
        if rev is not None:
            notes.append(f"Definition then: {describe_key_result_revision(rev)}.")
    if notes == list(figure.explanation.notes):
        return figure
    return _replace(figure, figure.explanation.terms, notes)


# ---------------------------------------------------------------------------------------
# What each revision changed

OBJECTIVE_FIELD_LABELS = {
    "title": "title",
    "description": "description",
    "state": "state",
    "commitment": "commitment",
    "visibility": "visibility",
    "progress_mode": "how progress is computed",
    "rationale": "rationale",
}
KEY_RESULT_FIELD_LABELS = {
    "title": "title",
    "kind": "kind",
    "unit": "unit",
    "start_value": "start",
    "target_value": "target",
    "signal": "leading or lagging",
    "weight": "weight",
    "source": "how it is measured",
    "state": "state",
    "owner_id": "owner",
}


def changed_fields(
    revisions: Iterable[ObjectiveRevision | KeyResultRevision], labels: dict[str, str], owner: str
) -> dict[int, list[str]]:
    """For each revision (by id), what it changed from the previous revision of the same
    objective or key result (``owner`` names that field), in words. The first revision of
    each changed nothing: it is where the definition starts."""
    ordered = sorted(revisions, key=lambda r: (getattr(r, owner), r.number))
    out: dict[int, list[str]] = {}
    previous: ObjectiveRevision | KeyResultRevision | None = None
    for rev in ordered:
        if previous is not None and getattr(previous, owner) == getattr(rev, owner):
            out[rev.pk] = [
                label
                for name, label in labels.items()
                if getattr(previous, name) != getattr(rev, name)
            ]
        else:
            out[rev.pk] = []
        previous = rev
    return out
