"""Check 2, copy-paste cascading: a child that restates its parent instead of translating it.

Two rules:

* ``copy_paste.objective``: a team or individual objective whose wording is near-identical
  to an objective (or key result) it aligns to -- ``similarity.text_similarity`` at least
  ``CoachSettings.copy_paste_similarity`` after normalising case, punctuation, stop words,
  figures and the owning team's own name.
* ``copy_paste.key_result``: a key result of such a child with the same metric and the same
  target as a key result of its parent: same unit, same target figure (or both milestones),
  and wording that is near-identical, or contained in the other's once figures are dropped
  (at least two words of it, or one when both name the same unit: "churn at 2 %").

Lexical similarity is the baseline. An extra similarity function (for instance a sentence-
embedding model run locally) may be passed in; the higher of the two scores counts. Nothing
is loaded or fetched by default.
"""

from __future__ import annotations

import math
from functools import lru_cache

from . import wording
from .common import (
    index_key_results,
    index_objectives,
    is_live,
    live_key_results,
    owner_name,
    quoted,
    with_unit,
)
from .facts import CoachSettings, KeyResultFacts, ObjectiveFacts, Population
from .findings import Finding, Level, Subject
from .similarity import (
    Similarity,
    figures,
    narrows,
    normalise,
    rescopes,
    same_figures,
    text_similarity,
    words,
)

CHECK = "copy_paste"

_UNITS = {"percent": "%", "pct": "%", "per cent": "%", "usd": "$", "dollars": "$", "eur": "\u20ac"}


def check_copy_paste(
    population: Population,
    settings: CoachSettings | None = None,
    *,
    similarity: Similarity | None = None,
) -> list[Finding]:
    settings = settings or CoachSettings()
    known = index_objectives(population)
    known_krs = index_key_results(known)
    findings: list[Finding] = []
    for child in population.objectives:
        if not is_live(child) or child.level == "company":
            continue
        findings.extend(_check_child(child, population, known, known_krs, settings, similarity))
    return findings


def _parents(
    child: ObjectiveFacts,
    known: dict[int, ObjectiveFacts],
    known_krs: dict[int, tuple[ObjectiveFacts, KeyResultFacts]],
) -> tuple[list[ObjectiveFacts], list[tuple[ObjectiveFacts, KeyResultFacts]]]:
    objectives = [known[i] for i in child.parent_objective_ids if i in known]
    key_results = [known_krs[i] for i in child.parent_key_result_ids if i in known_krs]
    return objectives, key_results


def _owner_words(child: ObjectiveFacts, population: Population) -> tuple[str, ...]:
    if child.owner_team_id is None:
        return ()
    name = population.team_names.get(child.owner_team_id, "")
    return tuple(words(name))


def restating(a: str, b: str, stop: tuple[str, ...] = ()) -> float:
    """How far statement ``a`` says what ``b`` says, 0.0-1.0.

    With the meaning model, how likely ``a`` restates ``b`` in any words
    (``wording.restates``: shared wording, sentence meaning, words of like meaning, the
    same figures written any way, acronyms spelt out, a narrowed scope). Without it, their
    wording's similarity (``text_similarity``) moved by their figures -- the same figures
    written another way ("$45M", "forty-five million") bring them closer, different ones
    (a child's own target) set them apart -- and by a narrowed scope."""
    return _restating(a, b, stop, wording.model_id())


@lru_cache(maxsize=65536)
def _restating(a: str, b: str, stop: tuple[str, ...], _model: int) -> float:
    likely = wording.restates(a, b, stop)
    if likely is not None:
        # Narrowing the parent to a segment, a region or an audience is the first step of
        # translating it, however alike the two read.
        if likely < MIN_LIMIT:
            return likely  # below any limit an organisation can set: nothing to lower
        return likely * NARROWED if narrows(a, b, stop) or _aims_elsewhere(a, b, stop) else likely
    score = text_similarity(a, b, stop)
    mine, theirs = figures(a), figures(b)
    same = same_figures(mine, theirs)
    if same is True:
        score += FIGURES_AGREE
    elif same is False or (mine and not theirs):
        score -= FIGURES_DIFFER  # a figure of its own: the child's own target
    elif theirs and not mine:
        score -= FIGURES_LEFT_OUT  # the parent's target left out, for a measure of its own
    if narrows(a, b, stop):
        score -= NARROWING
    return max(0.0, min(1.0, score))


def _aims_elsewhere(a: str, b: str, stop: tuple[str, ...]) -> bool:
    """Whether ``a`` does ``b``'s work for a target or scope of its own, unrelated in
    meaning to the parent's ("... pipeline for the team quota" under "... pipeline for 40 new
    logos"): a share of the parent, which is how a person translates it."""
    scopes = rescopes(a, b, stop)
    if scopes is None:
        return False
    alike = wording.similarity(*scopes)
    return alike is not None and alike < UNRELATED_SCOPES


# Two scopes whose meaning is less alike than this are unrelated ("the team quota", "40 new
# logos"); "seniors" and "older residents" are not.
UNRELATED_SCOPES = 0.15


# A key result with the parent's target says the same when it is at least this similar.
SAME_KEY_RESULT = 0.6
# The share of the shorter key result's words the longer one must hold to say the same.
CONTAINED = 0.8
NARROWING = 0.5
# The lowest restating limit an organisation can set (``Organisation.copy_paste_similarity``).
MIN_LIMIT = 0.2
# The share of the model's answer left to a child that narrows its parent.
NARROWED = 0.3
# How far the same figures (or different ones) move two statements' similarity.
FIGURES_AGREE = 0.1
FIGURES_DIFFER = 0.15
FIGURES_LEFT_OUT = 0.2


def _score(
    a: str, b: str, stop: tuple[str, ...], extra: Similarity | None, floor: float
) -> float:
    """The similarity of two statements (``restating``, or an installation's own similarity
    function when that says more)."""
    score = restating(a, b, stop)
    if extra is not None and score < floor:
        score = max(score, float(extra(a, b)))
    return score


def _check_child(
    child: ObjectiveFacts,
    population: Population,
    known: dict[int, ObjectiveFacts],
    known_krs: dict[int, tuple[ObjectiveFacts, KeyResultFacts]],
    settings: CoachSettings,
    extra: Similarity | None,
) -> list[Finding]:
    parent_objectives, parent_key_results = _parents(child, known, known_krs)
    if not parent_objectives and not parent_key_results:
        return []
    stop = _owner_words(child, population)
    owner = owner_name(population, child)
    out: list[Finding] = []

    # The objective's wording against each parent statement; the closest one is reported.
    statements = [(p.title, p.title) for p in parent_objectives]
    statements += [(kr.title, f"{kr.title} (a key result of {quoted(o.title)})")
                   for o, kr in parent_key_results]
    best: tuple[float, str, str] | None = None
    for title, described in statements:
        score = _score(child.title, title, stop, extra, settings.copy_paste_similarity)
        if score >= settings.copy_paste_similarity and (best is None or score > best[0]):
            best = (score, title, described)
    if best is not None:
        score, title, described = best
        out.append(
            Finding(
                check=CHECK,
                code="copy_paste.objective",
                level=Level.WARNING,
                subject=Subject.OBJECTIVE,
                subject_id=child.id,
                objective_id=child.id,
                message=(
                    f"{quoted(child.title)} restates the objective it aligns to, "
                    f"{quoted(described)} (restating score {score:.2f}), "
                    f"instead of translating it for {owner}."
                ),
                suggestion=(
                    f"Translate it: what can {owner} move that makes {quoted(title)} more "
                    f"likely? Name that as the objective -- the part of the work {owner} "
                    "controls (its pipeline, its cycle time, its quality, its capacity) -- "
                    "and keep the link to the parent as the reason."
                ),
            )
        )

    # Each key result against the parents' key results: same metric and same target.
    parent_krs = [(o, kr) for o in parent_objectives for kr in live_key_results(o)]
    parent_krs += [(o, kr) for o, kr in parent_key_results if kr.state != "abandoned"]
    for kr in live_key_results(child):
        for parent, parent_kr in parent_krs:
            if _same_metric_and_target(kr, parent_kr, stop, settings, extra):
                out.append(_key_result_finding(child, kr, parent, parent_kr, owner))
                break
    return out


def _unit(unit: str) -> str:
    unit = unit.strip().casefold()
    return _UNITS.get(unit, unit)


def _same_target(a: KeyResultFacts, b: KeyResultFacts) -> bool:
    if a.kind == "milestone" or b.kind == "milestone":
        return a.kind == b.kind
    if a.target_value is None or b.target_value is None:
        return False
    if a.unit.strip() and b.unit.strip() and _unit(a.unit) != _unit(b.unit):
        return False
    return math.isclose(a.target_value, b.target_value, rel_tol=1e-9, abs_tol=1e-9)


def _same_metric_and_target(
    kr: KeyResultFacts,
    parent_kr: KeyResultFacts,
    stop: tuple[str, ...],
    settings: CoachSettings,
    extra: Similarity | None,
) -> bool:
    if not _same_target(kr, parent_kr):
        return False
    threshold = max(settings.copy_paste_similarity, SAME_KEY_RESULT)
    if _score(kr.title, parent_kr.title, stop, extra, threshold) >= threshold:
        return True
    if kr.kind == "milestone":
        return False  # a milestone is its wording: near-identical or not the same
    # The same figure on the same measure, one worded more fully than the other.
    mine, theirs = set(normalise(kr.title, stop)), set(normalise(parent_kr.title, stop))
    # One word in common is enough only when both name the same unit ("churn", "%").
    same_unit = bool(kr.unit.strip()) and _unit(kr.unit) == _unit(parent_kr.unit)
    if min(len(mine), len(theirs)) < (1 if same_unit else 2):
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= CONTAINED


def _key_result_finding(
    child: ObjectiveFacts,
    kr: KeyResultFacts,
    parent: ObjectiveFacts,
    parent_kr: KeyResultFacts,
    owner: str,
) -> Finding:
    if kr.kind == "milestone":
        same = "the same milestone"
    else:
        target = kr.target_value if kr.target_value is not None else 0.0
        same = f"the same measure and the same target ({with_unit(target, kr.unit)})"
    return Finding(
        check=CHECK,
        code="copy_paste.key_result",
        level=Level.WARNING,
        subject=Subject.KEY_RESULT,
        subject_id=kr.id,
        objective_id=child.id,
        message=(
            f"{quoted(kr.title)} on {quoted(child.title)} repeats {quoted(parent_kr.title)} "
            f"of {quoted(parent.title)}: {same}."
        ),
        suggestion=(
            f"Copying the parent's figure makes {owner} answerable for the whole number. "
            f"Choose what {owner} moves that feeds it -- its own share of "
            f"{quoted(parent_kr.title)}, or the leading indicator that drives it -- and set "
            "that target."
        ),
    )
