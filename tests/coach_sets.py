"""The coach's wording sets, written apart from its rules, turned into facts the checks read.

Two folders of the same three files (``activity.json``, ``restating.json``,
``milestone.json``): the tuning set the wording checks learn from, shipped with them
(``coach/rules/exemplars/tuning/``), and ``tests/coach_devset/``, the development set that
measures them and was never tuned against.
Each item is one key result (or one parent/child pair) labelled "bad" (the check should speak)
or "good" (it should stay quiet). ``verdicts`` runs the product's own checks, through
``run_checks``, on one population per item and tells whether the finding the item is about
was produced.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lineofsight.coach.rules import run_checks
from lineofsight.coach.rules.facts import CoachSettings, KeyResultFacts, ObjectiveFacts, Population
from lineofsight.coach.rules.wording import EXEMPLARS, tuning_batches
from tests.coaching_examples.build import QUARTER, YEAR_ID, next_id

ROOT = Path(__file__).resolve().parent
SETS = {"tuning": EXEMPLARS / "tuning", "devset": ROOT / "coach_devset"}
# Which finding each file is about, and which check produces it.
FILES = {
    "activity": ("measurable", "measurable.activity"),
    "restating": ("copy_paste", "copy_paste.objective"),
    "milestone": ("measurable", "measurable.deliverable"),
}
NUMERIC = {"increase", "decrease", "stay_above", "stay_below"}


def load(set_name: str, file: str, batch: str | None = None) -> list[dict[str, Any]]:
    """Every batch of one file of a set (``activity.json``, ``activity-2.json``, ...), or
    only one batch of the tuning set ("1", "2"... as ``wording.tuning_batches`` numbers
    them)."""
    if batch is not None:
        if set_name != "tuning":
            raise ValueError("only the tuning set is split into batches")
        paths = [tuning_batches(file)[batch]]
    else:
        paths = sorted(SETS[set_name].glob(f"{file}*.json"))
    items: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            items += json.load(handle)
    return items


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _team_objective(title: str, krs: tuple[KeyResultFacts, ...], **kw: Any) -> ObjectiveFacts:
    return ObjectiveFacts(
        id=kw.pop("id", None) or next_id(), title=title, level=kw.pop("level", "team"),
        cycle_id=QUARTER.id, owner_team_id=kw.pop("owner_team_id", 2), key_results=krs, **kw,
    )


def case(file: str, item: dict[str, Any]) -> tuple[Population, int]:
    """The population for one item, and the id of the subject the finding would be about."""
    if file in {"activity", "milestone"}:
        kind = item.get("kind", "milestone") if file == "activity" else "milestone"
        kr = KeyResultFacts(
            id=next_id(), objective_id=0, title=item["key_result"], kind=kind,
            unit=item.get("unit") or "",
            start_value=_number(item.get("start")) if kind in NUMERIC else None,
            target_value=_number(item.get("target")) if kind in NUMERIC else None,
        )
        objective = _team_objective(item["objective"], (kr,), parent_objective_ids=(1,))
        return Population(cycle=QUARTER, objectives=(objective,),
                          team_names={2: "The team"}), kr.id
    parent_id = next_id()
    parent = ObjectiveFacts(
        id=parent_id, title=item["parent"], level=item.get("parent_level", "company"),
        cycle_id=YEAR_ID if item.get("parent_level", "company") == "company" else QUARTER.id,
        owner_team_id=1,
    )
    team = item.get("child_team") or "The team"
    level = item.get("child_level", "team")
    child = ObjectiveFacts(
        id=next_id(), title=item["child"], level=level, cycle_id=QUARTER.id,
        owner_team_id=3 if level == "team" else None,
        owner_person_id=7 if level == "individual" else None,
        parent_objective_ids=(parent_id,),
    )
    population = Population(
        cycle=QUARTER, objectives=(child,), parents={parent_id: parent},
        team_names={1: "The company", 3: team}, people_names={7: team},
    )
    return population, child.id


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def verdicts(
    set_name: str, file: str, settings: CoachSettings | None = None, batch: str | None = None
) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each item (of one batch of the tuning set, if given) and whether the check spoke
    about it."""
    check, code = FILES[file]
    for item in load(set_name, file, batch):
        population, subject = case(file, item)
        findings = run_checks(population, settings, checks=[check])
        yield item, any(f.code == code and f.subject_id == subject for f in findings)

