"""Rules for alignment links: levels, cycles in time, loops, and counting nothing twice.

The graph has two kinds of node: objectives and key results. A key result always feeds its
own objective; a contributing link feeds the parent objective (or a key result that rolls up
from aligned objectives). Supporting links are shown but feed nothing.

* Loops are refused over all live links, supporting ones included.
* A contributing link is refused when some objective would then reach the same ancestor
  along two paths (for example a team objective contributing both to a department objective
  and directly to the company objective the department rolls into): its progress would be
  counted twice in that ancestor.

The checks walk the graph one level per query, so their cost grows with the depth and
breadth of the affected branch, never with the whole organisation.
"""

from __future__ import annotations

from lineofsight.core import words
from lineofsight.goals.models import AlignmentLink, KeyResult, Objective

LEVEL_RANK = {"individual": 0, "team": 1, "company": 2}

Node = tuple[str, int]  # ("o", objective id) or ("k", key result id)


def _upward(
    nodes: set[Node], *, contributing_only: bool, ignore_link_id: int | None = None
) -> set[Node]:
    """Every node reachable upward from ``nodes`` (excluding the start nodes themselves)."""
    found: set[Node] = set()
    frontier = set(nodes)
    links = (
        AlignmentLink.objects.contributing() if contributing_only else AlignmentLink.objects.live()
    )
    if ignore_link_id is not None:
        links = links.exclude(pk=ignore_link_id)
    while frontier:
        next_frontier: set[Node] = set()
        kr_ids = [pk for kind, pk in frontier if kind == "k"]
        obj_ids = [pk for kind, pk in frontier if kind == "o"]
        if kr_ids:
            for obj_id in KeyResult.objects.filter(pk__in=kr_ids).values_list(
                "objective_id", flat=True
            ):
                next_frontier.add(("o", obj_id))
        if obj_ids:
            for parent_obj, parent_kr in links.filter(child_id__in=obj_ids).values_list(
                "parent_objective_id", "parent_key_result_id"
            ):
                next_frontier.add(("o", parent_obj) if parent_obj else ("k", parent_kr))
        frontier = next_frontier - found - nodes
        found |= frontier
    return found


def _downward_objectives(root_id: int, ignore_link_id: int | None = None) -> set[int]:
    """Objectives contributing (directly or not) to the objective ``root_id``."""
    found: set[int] = set()
    frontier = {root_id}
    links = AlignmentLink.objects.contributing()
    if ignore_link_id is not None:
        links = links.exclude(pk=ignore_link_id)
    while frontier:
        rows = links.filter(target_id__in=frontier).values_list("child_id", flat=True)
        frontier = set(rows) - found - {root_id}
        found |= frontier
    return found


def parent_node(parent_objective: Objective | None, parent_key_result: KeyResult | None) -> Node:
    if parent_objective is not None:
        return ("o", parent_objective.pk)
    assert parent_key_result is not None
    return ("k", parent_key_result.pk)


def check_link(
    *,
    child: Objective,
    parent_objective: Objective | None,
    parent_key_result: KeyResult | None,
    kind: str,
    ignore_link_id: int | None = None,
) -> dict[str, str]:
    """Errors (by field) that make this link invalid; empty when it may be created."""
    errors: dict[str, str] = {}
    if (parent_objective is None) == (parent_key_result is None):
        return {"parent": "Choose exactly one parent: an objective or a key result."}
    parent_obj = parent_objective or parent_key_result.objective  # type: ignore[union-attr]
    parent_cycle = parent_objective.cycle if parent_objective else parent_key_result.cycle  # type: ignore[union-attr]
    field = "parent_objective" if parent_objective else "parent_key_result"

    if parent_obj.pk == child.pk:
        return {field: "An objective cannot align to itself or to its own key results."}
    if LEVEL_RANK[parent_obj.level] < LEVEL_RANK[child.level]:
        errors[field] = (
            f"{words.with_article(child.get_level_display().lower(), capital=True)} objective "
            "aligns to the same level or above, not to "
            f"{words.with_article(parent_obj.get_level_display().lower())} objective."
        )
    if not (parent_cycle.pk == child.cycle_id or child.cycle.parent_id == parent_cycle.pk):
        errors[field] = (
            f"The parent belongs to {parent_cycle.name}, which neither is nor encloses "
            f"{child.cycle.name}."
        )
    if parent_obj.state == Objective.State.ABANDONED:
        errors[field] = "That objective was abandoned; align to a live one."
    if parent_key_result is not None and parent_key_result.state != KeyResult.State.ACTIVE:
        errors[field] = "That key result was abandoned; align to a live one."
    if kind == "contributes" and child.is_development:
        errors["kind"] = (
            "A development goal does not count towards anyone else's objectives. Align it as "
            "'supports' to show what it helps with."
        )
    elif (
        kind == "contributes"
        and parent_key_result is not None
        and parent_key_result.source != KeyResult.Source.ALIGNED
    ):
        errors["kind"] = (
            "This key result is measured by check-ins, so nothing can count towards it. "
            "Align as 'supports', or set the key result to roll up from aligned objectives."
        )
    if errors:
        return errors

    existing = AlignmentLink.objects.live().filter(child=child)
    if ignore_link_id:
        existing = existing.exclude(pk=ignore_link_id)
    if parent_objective is not None and existing.filter(parent_objective=parent_objective).exists():
        return {field: "This objective is already aligned to that parent."}
    if (
        parent_key_result is not None
        and existing.filter(parent_key_result=parent_key_result).exists()
    ):
        return {field: "This objective is already aligned to that key result."}

    target = parent_node(parent_objective, parent_key_result)
    # Loop: the child must not already sit above the parent (over every live link).
    above_parent = _upward({target}, contributing_only=False, ignore_link_id=ignore_link_id)
    above_parent |= {target}
    if ("o", child.pk) in above_parent:
        return {
            field: "That would make a loop: the parent already aligns (maybe indirectly) to "
            "this objective."
        }

    if kind == "contributes":
        # Where the child's progress (and everything feeding it) already flows today. The
        # new link adds a path child -> parent -> ...; any node up there that is already
        # reached would receive the same progress twice.
        below = _downward_objectives(child.pk, ignore_link_id) | {child.pk}
        below_nodes = {("o", pk) for pk in below}
        below_nodes |= {
            ("k", pk)
            for pk in KeyResult.objects.filter(objective_id__in=below).values_list("pk", flat=True)
        }
        reached = _upward(below_nodes, contributing_only=True, ignore_link_id=ignore_link_id)
        counting_above_parent = _upward(
            {target}, contributing_only=True, ignore_link_id=ignore_link_id
        ) | {target}
        overlap = counting_above_parent & reached
        if overlap:
            errors["kind"] = (
                f"{child.title!r} (or something counting towards it) already counts towards "
                f"{_describe(overlap)}; contributing here too would count it twice. "
                "Align as 'supports' instead."
            )
    return errors


def _describe(nodes: set[Node]) -> str:
    obj_ids = [pk for kind, pk in nodes if kind == "o"]
    titles = list(Objective.objects.filter(pk__in=obj_ids).values_list("title", flat=True)[:2])
    if not titles:
        kr_ids = [pk for kind, pk in nodes if kind == "k"]
        titles = list(KeyResult.objects.filter(pk__in=kr_ids).values_list("title", flat=True)[:2])
    return " and ".join(repr(t) for t in titles)
