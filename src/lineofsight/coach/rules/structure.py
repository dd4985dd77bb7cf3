"""The shape of the cascade: how far each objective sits below a company objective.

The alignment graph joins what the population's objectives say about their parents (and
their parents' parents, when known) with ``Population.alignment``, every live link of the
cycle and its year, as ids and levels only. ``AlignmentGraph.depth`` is the length of the
shortest chain from a company objective down to an objective, counting both ends (a company
objective is level 1, a team objective aligned to it level 2); an objective with no depth
has no line of sight to any company objective.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from .common import index_key_results, index_objectives, key_result_parent
from .facts import KeyResultFacts, ObjectiveFacts, Population


@dataclass
class AlignmentGraph:
    levels: dict[int, str] = field(default_factory=dict)
    # child -> the objectives it aligns to (directly or through one of their key results)
    parents: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # active, public team objectives by (team, target): what a person may align to instead
    open_team_children: dict[tuple[int, int], set[int]] = field(
        default_factory=lambda: defaultdict(set)
    )
    depth: dict[int, int] = field(default_factory=dict)
    # the next objective up on the shortest chain to a company objective
    via: dict[int, int] = field(default_factory=dict)

    @property
    def has_company(self) -> bool:
        return any(level == "company" for level in self.levels.values())

    def chain(self, objective_id: int) -> list[int]:
        """The shortest chain from the objective up to its company objective, itself first."""
        out = [objective_id]
        seen = {objective_id}
        while (up := self.via.get(out[-1])) is not None and up not in seen:
            out.append(up)
            seen.add(up)
        return out


def alignment_graph(population: Population) -> AlignmentGraph:
    graph = AlignmentGraph()
    known = index_objectives(population)
    known_krs = index_key_results(known)
    for objective in known.values():
        graph.levels[objective.id] = objective.level
        for target in _targets(population, known_krs, objective):
            graph.parents[objective.id].add(target)
            parent = known.get(target)
            if parent is not None:
                graph.levels.setdefault(target, parent.level)
            if (
                objective.level == "team"
                and objective.state == "active"
                and objective.owner_team_id is not None
            ):
                # In the population: the viewer may open it, so it may be named.
                graph.open_team_children[(objective.owner_team_id, target)].add(objective.id)
    for edge in population.alignment:
        graph.levels.setdefault(edge.child_id, edge.child_level)
        graph.levels.setdefault(edge.target_id, edge.target_level)
        graph.parents[edge.child_id].add(edge.target_id)
        if edge.child_open and edge.child_level == "team" and edge.child_team_id is not None:
            graph.open_team_children[(edge.child_team_id, edge.target_id)].add(edge.child_id)
    children: dict[int, list[int]] = defaultdict(list)
    for child, targets in graph.parents.items():
        for target in targets:
            children[target].append(child)
    # Breadth first from every company objective: the first visit is the shortest chain.
    queue: deque[int] = deque()
    for objective_id, level in sorted(graph.levels.items()):
        if level == "company":
            graph.depth[objective_id] = 1
            queue.append(objective_id)
    while queue:
        node = queue.popleft()
        for child in sorted(children.get(node, ())):
            if child in graph.depth:
                continue
            graph.depth[child] = graph.depth[node] + 1
            graph.via[child] = node
            queue.append(child)
    return graph


KnownKeyResults = dict[int, tuple[ObjectiveFacts, KeyResultFacts]]


def _targets(
    population: Population, known_krs: KnownKeyResults, objective: ObjectiveFacts
) -> list[int]:
    out = list(objective.parent_objective_ids)
    for kr_id in objective.parent_key_result_ids:
        parent = key_result_parent(population, known_krs, kr_id)
        if parent is not None:
            out.append(parent)
    return out


direct_targets = _targets
