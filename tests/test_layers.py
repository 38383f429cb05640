"""The architecture is a contract a tool checks (pyproject.toml [tool.importlinter]): core <-
law <- letters <- casefiles <- associations <- cli, pages <- app; inside casefiles, the store
stands under the follow-up and the accounts and runs no law; the law and the letters never
touch the database. Imports inside functions count like the others, and nothing may be
ignored."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_layers_contract_holds() -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contract_names_every_part_and_ignores_nothing() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    parts = {p.name for p in (ROOT / "assistant").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    named = {m.strip().removeprefix("assistant.") for c in config["contracts"] for layer in c.get("layers", [])
             for m in layer.split("|")}
    assert parts <= named, f"paquets hors contrat : {sorted(parts - named)}"
    for contract in config["contracts"]:
        assert "ignore_imports" not in contract and not contract.get("allow_indirect_imports"), contract["name"]


def test_every_case_files_module_has_its_layer() -> None:
    """A new module of assistant/casefiles must be placed in the case files' layers (no circle
    can then form inside the package)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    inside = next(c for c in config["contracts"] if c.get("containers") == ["assistant.casefiles"])
    named = {m.strip() for layer in inside["layers"] for m in layer.split("|")}
    modules = {p.stem for p in (ROOT / "assistant" / "casefiles").glob("*.py") if p.stem != "__init__"}
    assert modules == named, f"hors contrat : {sorted(modules - named)} ; absents : {sorted(named - modules)}"


def test_nothing_reaches_into_the_store_s_private_parts() -> None:
    """Accounts, pages, the CLI and the batches use the store's public API (read, write,
    audit, require and the case methods): no `store._…`, no private name imported from a
    case files module."""
    import re

    private = re.compile(r"\bstore(?:\(\))?\._[a-z]|from assistant\.casefiles\.\w+ import [^\n]*\b_[a-z]")
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "assistant").rglob("*.py"))
             if path.name != "store.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if private.search(line)]
    assert found == []


def test_no_module_imports_itself_back_through_others() -> None:
    """No import circle anywhere in the project, inside a package too (lazy imports
    included): the strongly connected components of the module graph are single modules."""
    import grimp

    graph = grimp.build_graph("assistant", cache_dir=None)
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in modules:
        if module not in index:
            visit(module)
    assert not circles, "imports en cercle : " + "; ".join(" ↔ ".join(c) for c in circles)


def test_the_letters_read_the_analysis_and_never_run_the_rules_again() -> None:
    """What a letter says about the route and the rights comes from the analysis it is given
    (`Analysis.route`, `analysis.rights`): no letters module chooses a route or finds rights."""
    import ast

    engine = {"appeal_route", "find_rights", "analyse_rights"}
    calls = []
    for path in sorted((ROOT / "assistant" / "letters").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in engine:
                    calls.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not calls, calls
