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
import re
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
    normalise,
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
    """How far statement ``a`` says what ``b`` says, 0.0-1.0: the mean of their wording's
    similarity (``text_similarity``) and the higher of that and their meaning's
    (``wording.similarity``, when the model is installed), moved by their figures -- the
    same figures written another way ("$45M", "forty-five million") bring them closer,
    different ones (a child's own target) set them apart."""
    return _restating(a, b, stop, wording.model_id())


@lru_cache(maxsize=65536)
def _restating(a: str, b: str, stop: tuple[str, ...], _model: int) -> float:
    lexical = text_similarity(a, b, stop)
    meant = wording.similarity(_without(a, stop), _without(b, stop))
    # Meaning only adds: a pair worded alike is not set apart by the model.
    score = lexical if meant is None else (lexical + max(lexical, meant)) / 2
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


def narrows(a: str, b: str, stop: tuple[str, ...] = ()) -> bool:
    """Whether ``a`` keeps every word of ``b`` and adds its own scope to them: a segment, a
    region, an audience, a channel ("Delight our customers" -> "Delight our enterprise
    customers", "Reduce churn" -> "Reduce churn among SMB customers in EMEA"). Narrowing a
    parent to the part a team owns is the first step of translating it."""
    mine_seq, theirs_seq = normalise(a, stop), normalise(b, stop)
    mine, theirs = set(mine_seq), set(theirs_seq)
    added = mine - theirs - _GENERIC
    if not theirs or not theirs <= mine or not added:
        return False
    # A scope after a preposition: "... in EMEA", "... for engineers", "... among SMBs".
    for match in _SCOPE.finditer(a.casefold()):
        if added.intersection(normalise(match.group(1), stop)):
            return True
    # One qualifier added to the parent's words: "our enterprise customers".
    if len(mine_seq) == len(theirs_seq) + 1:
        for i, word in enumerate(mine_seq):
            if word in added and mine_seq[:i] + mine_seq[i + 1:] == theirs_seq:
                return True
    return False


_SCOPE = re.compile(
    r"\b(?:in|among|amongst|for|within|across|through|via|at|with)\s+((?:[\w'-]+\s*){1,4})"
)


# A key result with the parent's target says the same when it is at least this similar.
SAME_KEY_RESULT = 0.6
# The share of the shorter key result's words the longer one must hold to say the same.
CONTAINED = 0.8
# Words that add no scope when a child adds them to its parent's.
_GENERIC = frozenset(
    normalise("long term always truly really fully everyone everybody whole entire "
              "significantly continuously consistently every single time faster quicker "
              "sooner better further again harder stronger")
)
NARROWING = 0.5
# How far the same figures (or different ones) move two statements' similarity.
FIGURES_AGREE = 0.1
FIGURES_DIFFER = 0.15
FIGURES_LEFT_OUT = 0.2


def _without(text: str, stop: tuple[str, ...]) -> str:
    """The text without the owner's own name ("Sales team: grow ARR" -> "grow ARR")."""
    if not stop:
        return text
    drop = {w.casefold() for w in stop}
    return " ".join(w for w in text.split() if w.strip(":,.;-").casefold() not in drop)


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
                    f"{quoted(described)} ({score * 100:.0f} % similar wording), "
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
