"""The package's layout: one folder a stage, imports that go one way, modules of a readable size.

The import graph is read from the source (every ``import`` statement, at the
top of a module or inside a function, except those under ``if
TYPE_CHECKING:``, which never run), so a cycle hidden by a function-level
import is a cycle here too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "plugins" / "badgepress"
# The folders in the order their imports go: each imports only the folders before
# it (and the shared modules beside them: domain, clock, errors, the cache). sign/
# comes first because it is the cryptography the others lean on: load checks a
# listed key's form, build's pipeline hands its documents to the signer (stage 4),
# verify checks proofs.
STAGES = ("sign", "load", "build", "verify", "publish", "cli")
CORE = ("load", "build", "sign", "verify")  # plain Python, as are the shared modules: no MkDocs, no click
FRAMEWORKS = ("mkdocs", "click")
MAX_LINES = 450
# Modules held to MAX_LINES and imported alone, each in a fresh interpreter: the whole package.
CHECKED = ("",)
# The one import against that order: reading the program verifies each received
# endorsement's proof with the verify stage, so that a forged one fails the build
# with the file's name.
KNOWN_BACKWARD = {
    ("load.endorsements", "verify.credential"),
    ("load.endorsements", "verify.results"),
}
# Cycles that exist today (through function-level imports), for the verify stage's owner.
KNOWN_CYCLES: list[set[str]] = []


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by its name without the ``badgepress.`` prefix ("" is the package)."""
    return {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST) -> list[str]:
    """Absolute names imported by the statements under ``tree`` that run (not under TYPE_CHECKING)."""
    found: list[str] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            found.extend(_imported(ast.Module(body=node.orelse, type_ignores=[])))
            continue
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "imports inside the package are absolute"
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        found.extend(_imported(node))
    return found


@cache
def imports() -> dict[str, set[str]]:
    """Module → the package's modules it imports (``from badgepress.sign import canon`` → sign.canon)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for full in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if full.split(".")[0] != "badgepress":
                continue
            parts = full.split(".")[1:]
            while parts and ".".join(parts) not in known:
                parts.pop()  # a name imported from a module, rather than a module
            targets.add(".".join(parts))
        graph[name] = targets - {name, ""}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _stage(name: str) -> str | None:
    head = name.split(".")[0]
    return head if head in STAGES and "." in name else None


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = imports()
    assert "load.source" in graph["load.program"]  # from badgepress.load.source import …
    assert "sign.canon" in graph["sign.proof"]  # from badgepress.sign import canon
    assert "cli.edit" in graph["cli.main"]  # an import inside a function
    assert not graph["domain"]  # its imports under TYPE_CHECKING do not run


def test_no_import_cycle() -> None:
    assert _cycles(imports()) == KNOWN_CYCLES


def test_the_domain_types_import_nothing_of_the_package() -> None:
    assert imports()["domain"] == set()


def test_stages_import_only_the_stages_before_them() -> None:
    backward = sorted(
        (name, target)
        for name, targets in imports().items()
        for target in targets
        if (stage := _stage(name)) is not None
        and (other := _stage(target)) is not None
        and STAGES.index(other) > STAGES.index(stage)
    )
    assert [edge for edge in backward if edge not in KNOWN_BACKWARD] == []
    assert [edge for edge in sorted(KNOWN_BACKWARD) if edge not in backward] == [], "paid off: remove it"


def test_only_publish_and_cli_know_mkdocs_or_click() -> None:
    offenders = sorted(
        (name, full)
        for name, path in modules().items()
        if _stage(name) in CORE or _stage(name) is None
        for full in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if full.split(".")[0] in FRAMEWORKS
    )
    assert offenders == []


def test_modules_are_of_a_readable_size() -> None:
    too_long = sorted(
        (str(path.relative_to(PACKAGE)), lines)
        for path in PACKAGE.rglob("*.py")
        if str(path.relative_to(PACKAGE)).startswith(CHECKED)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert too_long == [], f"modules over {MAX_LINES} lines"


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, path in modules().items()
        if str(path.relative_to(PACKAGE)).startswith(CHECKED) and name != "__main__"  # that one runs the CLI
    ],
)
def test_a_module_imports_alone(name: str) -> None:
    module = f"badgepress.{name}" if name else "badgepress"
    run = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
