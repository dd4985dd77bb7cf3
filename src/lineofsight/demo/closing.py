"""The demo's closed quarter, closed out the way its owners would.

Closing the previous quarter (through ``set_cycle_state``) already gave every key result and
objective its computed grade. Then, through the same actions a person would use:

* two adjusted grades with their reasons: a hire the tracker counted a quarter late, and a
  contract-review figure skewed by a one-off quarter-end rush;
* retrospectives, among them the worked example's account executive, Jordan Blake, telling
  the story of 22 of 25, 8 of 10 and 5 of 6;
* one unfinished key result, Legal's fallback clauses (8 of 10), carried into the current
  quarter's Legal objective, starting from 8, with its first check-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineofsight.demo import content
from lineofsight.demo.content import CURRENT, PREVIOUS
from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, KeyResult, Objective

if TYPE_CHECKING:
    from lineofsight.demo.world import DemoWorld

ADJUSTED = (
    # (objective key, key result key, who adjusts, grade, reason)
    (
        "hiring",
        "ae_hires",
        "ben",
        1.0,
        "The sixth account executive accepted on the last day of the quarter; she starts in "
        "the new one, so the tracker counted five.",
    ),
    (
        "legal",
        None,
        "victor",
        0.8,
        "Outside the quarter-end rush of eleven contracts at once, review took 7.5 days; the "
        "rush was a one-off we have since staffed for.",
    ),
)

RETROSPECTIVES = (
    # (objective key, who writes it, what happened, in control, learned, decision)
    (
        "jordan",
        "jordan",
        "22 of 25 opportunities qualified from outbound, 8 past legal review (not 10) and 5 "
        "new enterprise closes (not 6). The company came in at 34 new logos against 40, so "
        "this mattered.",
        "The outbound volume and the qualification were mine: the healthcare sequence worked. "
        "The healthcare budget freeze, two customer-side security reviews and Brightwater's "
        "CFO leaving were not; starting those security reviews earlier was.",
        "Start security review at the first call with an enterprise prospect, and use the "
        "pre-approved fallback clauses from week one.",
        "change",
    ),
    (
        "sales",
        "daniel",
        "176 of 200 qualified opportunities, the deal cycle down from 120 to 98 days and a 31 % "
        "RFP win rate: short on all three, and 34 of 40 logos for the company.",
        "Pipeline generation and qualification; not the healthcare budget freeze.",
        "Deals stall in review, not in discovery: we pair every late-stage deal with Legal.",
        "keep",
    ),
    (
        "legal",
        "victor",
        "Contract review from 14 days to 9, not 7; eight of the ten fallback clauses agreed.",
        "Staffing for the quarter-end rush was ours to plan.",
        "Most redlines repeat: standard paper and self-serve templates beat faster review.",
        "change",
    ),
)

CARRIED = ("legal", "clauses", "legal", "victor")  # from objective, key result, into, by


def _specs(phase: str, quarter: Cycle) -> dict[str, content.ObjectiveSpec]:
    return {spec.key: spec for spec in content.quarter_objectives(phase, quarter.name)}


def _objective(quarter: Cycle, spec: content.ObjectiveSpec) -> Objective:
    return Objective.objects.select_related("cycle").get(cycle=quarter, title=spec.title)


def _key_result(objective: Objective, spec: content.ObjectiveSpec, key: str) -> KeyResult:
    title = next(kr.title for kr in spec.key_results if kr.key == key)
    return KeyResult.objects.get(objective=objective, title=title)


def close_out_previous_quarter(loader: DemoWorld) -> None:
    """Adjusted grades, retrospectives and a carried-over key result for the closed quarter
    (run inside the loader's transaction, after the quarter is closed)."""
    previous = loader.plan.quarters[PREVIOUS]
    current = loader.plan.quarters[CURRENT]
    people = loader.people
    before = _specs(PREVIOUS, previous)
    now_specs = _specs(CURRENT, current)
    for key, kr_key, who, grade, reason in ADJUSTED:
        objective = _objective(previous, before[key])
        if kr_key is None:
            actions.adjust_objective_grade(
                acting_user=people[who], objective=objective, adjusted_grade=grade, reason=reason
            )
        else:
            actions.adjust_key_result_grade(
                acting_user=people[who],
                key_result=_key_result(objective, before[key], kr_key),
                adjusted_grade=grade,
                reason=reason,
            )
    for key, who, happened, control, learned, decision in RETROSPECTIVES:
        actions.save_retrospective(
            acting_user=people[who],
            objective=_objective(previous, before[key]),
            what_happened=happened,
            in_control=control,
            learned=learned,
            decision=decision,
        )
    source_key, kr_key, into_key, who = CARRIED
    source = _key_result(_objective(previous, before[source_key]), before[source_key], kr_key)
    carried = actions.carry_over_key_result(
        acting_user=people[who],
        key_result=source,
        into_objective=_objective(current, now_specs[into_key]),
        cycle=current,
    )
    actions.record_check_in(
        acting_user=carried.owner,
        key_result=carried,
        value=9,
        confidence="on_track",
        note="Data-residency clause agreed with the security team; one to go.",
    )
