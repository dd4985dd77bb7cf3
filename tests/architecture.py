"""A contract type for import-linter: no two modules import each other, directly or through
others ("module_cycles").

import-linter's own ``acyclic_siblings`` judges packages as wholes (a package importing a
sibling that imports one of its other modules counts as a cycle); this one judges files, as
the architecture asks: within the layers, modules may lean on each other freely as long as no
import ever comes back round. Configured in ``pyproject.toml`` and run by ``scripts/test``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def import_cycles(imports: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components of more
    than one module, or a module importing itself), each sorted, in sorted order. ``imports``
    maps each module to the modules it imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(imports):
        if root in index:
            continue
        # Tarjan's algorithm, iteratively: (module, iterator over what it imports).
        work = [(root, iter(sorted(imports.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            advanced = False
            for target in pending:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                    advanced = True
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1 or module in imports.get(module, ()):
                    found.append(sorted(group))
    return sorted(found)


class ModuleCyclesContract(Contract):
    type_name = "module_cycles"

    containers = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph, verbose: bool) -> ContractCheck:  # type: ignore[no-untyped-def]
        names = [c.name for c in self.containers]  # type: ignore[attr-defined]
        modules = {
            m for m in graph.modules if any(m == n or m.startswith(n + ".") for n in names)
        }
        imports = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
        cycles = []
        for group in import_cycles(imports):
            members = set(group)
            ties = []
            for importer in group:
                for imported in sorted(imports[importer] & members):
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = sorted({d["line_number"] for d in details})
                    ties.append((importer, imported, lines))
            cycles.append({"modules": group, "imports": ties})
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"These {len(cycle['modules'])} modules import each other:")
            output.new_line()
            for importer, imported, lines in cycle["imports"]:
                at = ", ".join(f"l.{n}" for n in lines)
                output.print_error(f"- {importer} -> {imported} ({at})", bold=False)
            output.new_line()
