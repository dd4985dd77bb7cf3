"""The architecture contract (``pyproject.toml``, checked by ``scripts/test``): the project
keeps it, and it notices an import that runs up a layer or comes back round."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.application.use_cases import read_user_options
from importlinter.cli import lint_imports
from importlinter.contracts.layers import LayersContract

from tests.architecture import ModuleCyclesContract, import_cycles

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "pyproject.toml")


def _contract_options(name: str) -> tuple[dict, dict]:
    options = read_user_options(config_filename=CONFIG)
    for contract in options.contracts_options:
        if contract["name"] == name:
            return options.session_options, contract
    raise AssertionError(f"no contract named {name!r} in pyproject.toml")


def _graph(imports: dict[str, list[str]]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports.items():
        graph.add_module(importer)
        for target in imported:
            graph.add_module(target)
            graph.add_import(
                importer=importer,
                imported=target,
                line_number=7,
                line_contents=f"from {target} import x",
            )
    return graph


def test_the_project_keeps_its_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=CONFIG, no_cache=True, no_logo=True) == 0


def test_the_layers_are_the_ones_documented() -> None:
    _, layers = _contract_options("Layers point down")
    assert layers["layers"] == [
        "lineofsight.api | lineofsight.demo",
        "lineofsight.privacy",
        "lineofsight.access",
        "lineofsight.integrations",
        "lineofsight.coach | lineofsight.oneonones",
        "lineofsight.reviews | lineofsight.discussion",
        "lineofsight.insights | lineofsight.search",
        "lineofsight.goals",
        "lineofsight.people",
        "lineofsight.core",
    ]
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Layout") :]
    table = table[: table.index("\n\n", table.index("| layer |"))]
    rows = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    documented = [[name.strip(" `/") for name in row.split(",")] for row in rows]
    assert documented == [
        [package.removeprefix("lineofsight.") for package in layer.split(" | ")]
        for layer in layers["layers"]
    ]
    diagram = (ROOT / "docs" / "architecture.md").read_text()
    for layer in layers["layers"]:
        for package in layer.split(" | "):
            assert f" {package.removeprefix('lineofsight.')}/ " in diagram


def test_an_import_up_a_layer_breaks_the_contract() -> None:
    session, options = _contract_options("Layers point down")
    contract = LayersContract(name="layers", session_options=session, contract_options=options)
    apps = ["lineofsight"] + [
        package for layer in options["layers"] for package in layer.split(" | ")
    ]
    downwards = {
        **{app: [] for app in apps},
        "lineofsight.goals.views": ["lineofsight.core.web", "lineofsight.people.models"],
        "lineofsight.api.objectives": ["lineofsight.goals.views"],
    }
    assert contract.check(_graph(downwards), verbose=False).kept

    # The core asking for an objective, as it once did.
    upwards = {**downwards, "lineofsight.core.access": ["lineofsight.goals.models"]}
    check = contract.check(_graph(upwards), verbose=False)
    assert not check.kept

    # Two apps of the top layer stay out of each other.
    sideways = {**downwards, "lineofsight.demo.loader": ["lineofsight.api.objectives"]}
    assert not contract.check(_graph(sideways), verbose=False).kept


def test_import_cycles_finds_every_loop_and_nothing_else() -> None:
    assert import_cycles({"a": ["b"], "b": ["c"], "c": []}) == []
    assert import_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert import_cycles({"a": ["a"]}) == [["a"]]
    two = import_cycles({"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c", "a"]})
    assert two == [["a", "b"], ["c", "d"]]
    # A long chain does not overflow the stack.
    chain = {f"m{i}": [f"m{i + 1}"] for i in range(5000)}
    chain["m5000"] = ["m0"]
    assert len(import_cycles(chain)[0]) == 5001


def test_a_module_cycle_breaks_the_contract_and_names_its_imports() -> None:
    session, options = _contract_options("No import circles between modules")
    contract = ModuleCyclesContract(
        name="cycles", session_options=session, contract_options=options
    )
    fine = {
        "lineofsight": [],
        "lineofsight.integrations.delivery": ["lineofsight.integrations.models"],
        "lineofsight.integrations.models": [],
    }
    assert contract.check(_graph(fine), verbose=False).kept

    looped = {**fine, "lineofsight.integrations.models": ["lineofsight.integrations.delivery"]}
    check = contract.check(_graph(looped), verbose=False)
    assert not check.kept
    [cycle] = check.metadata["cycles"]
    assert cycle["modules"] == [
        "lineofsight.integrations.delivery",
        "lineofsight.integrations.models",
    ]
    assert ("lineofsight.integrations.models", "lineofsight.integrations.delivery", [7]) in (
        cycle["imports"]
    )
