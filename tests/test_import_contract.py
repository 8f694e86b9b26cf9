"""Imports run one way: the table in docs/architecture.md says which room may import which.

Every import counts: at module level, inside functions and under TYPE_CHECKING. The checker is
plain data in, violations out, so the tests below also prove that it catches a wrong-way import
and a circle on a made-up tree before trusting its silence on the real one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.source_tree import ROOT, module_files

DOC = ROOT / "docs" / "architecture.md"
TABLE = re.compile(r"<!-- import-contract:begin -->(.*?)<!-- import-contract:end -->", re.S)


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # the importing module
    target: str  # the project module it names
    line: int
    top_level: bool  # runs when the module is imported (not inside a function or class body)


def read_contract(text: str) -> dict[str, tuple[str, ...]]:
    """Room prefix -> the rooms it may import, from the marked Markdown table."""
    found = TABLE.search(text)
    assert found, f"{DOC} has no import-contract table"
    contract: dict[str, tuple[str, ...]] = {}
    for row in found.group(1).strip().splitlines()[2:]:
        room, allowed = (cell.strip() for cell in row.strip().strip("|").split("|"))
        contract[room.strip("`")] = tuple(name.strip(" `") for name in allowed.split(",") if name)
    return contract


def room_of(module: str, rooms: Iterator[str] | tuple[str, ...]) -> str | None:
    named = [r for r in rooms if module == r or module.startswith(r + ".")]
    return max(named, key=len, default=None)


def is_allowed(source: str, target: str, contract: Mapping[str, tuple[str, ...]]) -> bool:
    if source == target:
        return True
    for allowed in contract[source]:
        if allowed.endswith(".*"):
            base = allowed[:-2]
            if target == base or target.startswith(base + "."):
                return True
        elif target == allowed:
            return True
    return False


def imports_of(module: str, source: str, known: set[str]) -> Iterator[Import]:
    """The project modules `source` imports, resolved to the longest known module name."""

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST, top_level: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            nested = top_level and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [f"{child.module}.{alias.name}" for alias in child.names]
            for name in names:
                target = resolve(name) if name.split(".")[0] == "leakward" else None
                if target and target != module:
                    yield Import(module, target, child.lineno, top_level)
            yield from visit(child, nested)

    yield from visit(ast.parse(source), True)


def violations(sources: Mapping[str, str], contract: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every import against the table, and every module no room claims."""
    known = set(sources)
    found: list[str] = []
    for module, text in sorted(sources.items()):
        source_room = room_of(module, tuple(contract))
        if source_room is None:
            found.append(f"{module}: no room in the table claims it")
            continue
        for imported in imports_of(module, text, known):
            target_room = room_of(imported.target, tuple(contract))
            if target_room is None or not is_allowed(source_room, target_room, contract):
                found.append(
                    f"{module}:{imported.line} imports {imported.target}: "
                    f"{source_room} may not import {target_room}"
                )
    return found


def cycles(sources: Mapping[str, str]) -> list[list[str]]:
    """Groups of modules whose module-level imports reach each other (Tarjan's SCC)."""
    known = set(sources)
    graph = {
        m: {i.target for i in imports_of(m, text, known) if i.top_level}
        for m, text in sources.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {module: path.read_text() for module, path in module_files().items()}


@pytest.fixture(scope="module")
def contract() -> dict[str, tuple[str, ...]]:
    return read_contract(DOC.read_text())


def test_no_import_runs_against_the_documented_direction(
    sources: dict[str, str], contract: dict[str, tuple[str, ...]]
) -> None:
    assert violations(sources, contract) == []


def test_no_modules_import_each_other_in_a_circle(sources: dict[str, str]) -> None:
    assert cycles(sources) == []


def test_the_table_names_only_rooms_with_code(
    sources: dict[str, str], contract: dict[str, tuple[str, ...]]
) -> None:
    named = set(contract) | {a.removesuffix(".*") for row in contract.values() for a in row}
    assert {room for room in named if not any(room_of(m, (room,)) for m in sources)} == set()


def test_the_kernel_imports_nothing_of_the_project(sources: dict[str, str]) -> None:
    kernel = {m: text for m, text in sources.items() if m.startswith("leakward.core")}
    assert kernel
    known = set(sources)
    assert [
        i for m, t in kernel.items() for i in imports_of(m, t, known) if "core" not in i.target
    ] == []


# The checker itself, on a made-up tree: a wrong-way import and a circle must be reported.

TOY_CONTRACT = {
    "leakward.core": (),
    "leakward.scanner": ("leakward.core",),
    "leakward.registry": ("leakward.core",),
    "leakward.cli": ("leakward.*",),
}


def test_a_wrong_way_import_is_reported_with_its_line() -> None:
    toy = {
        "leakward.core": "",
        "leakward.scanner": "",
        "leakward.scanner.scan": "import os\n\ndef f():\n    from leakward.registry import x\n",
        "leakward.registry": "",
        "leakward.cli": "import leakward.scanner.scan\nimport leakward.registry\n",
    }
    assert violations(toy, TOY_CONTRACT) == [
        "leakward.scanner.scan:4 imports leakward.registry: "
        "leakward.scanner may not import leakward.registry"
    ]


def test_a_type_checking_import_counts_and_an_unclaimed_module_is_reported() -> None:
    toy = {
        "leakward.core": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from leakward.scanner import Chunk\n",
        "leakward.scanner": "",
        "leakward.stray": "",
    }
    contract = {**TOY_CONTRACT, "leakward.cli": ()}
    assert violations(toy, contract) == [
        "leakward.core:3 imports leakward.scanner: leakward.core may not import leakward.scanner",
        "leakward.stray: no room in the table claims it",
    ]


def test_a_circle_is_reported_but_an_import_inside_a_function_breaks_it() -> None:
    circle = {
        "leakward.a": "from leakward.b import x\n",
        "leakward.b": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import leakward.a\n"
        ),
    }
    assert cycles(circle) == [["leakward.a", "leakward.b"]]
    broken = {**circle, "leakward.b": "def f():\n    import leakward.a\n"}
    assert cycles(broken) == []


def test_the_contract_lives_in_the_architecture_document() -> None:
    assert DOC.is_file()
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()
    assert Path("tests/test_import_contract.py").name in DOC.read_text()
