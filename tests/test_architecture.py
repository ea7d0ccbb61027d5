"""The layers of docs/architecture.md hold: nothing imports a layer above it, no two
modules import each other (through any path, type-only imports included), and no module
above the store commits by hand or writes a log head."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "testimonia"

# Bottom to top: a module may import its own layer and the layers below it.
LAYERS: list[set[str]] = [
    {"__init__", "errors", "model", "shapes", "config", "fsutil", "vocab", "text"},
    {"crypto", "places", "periods"},
    {"ingest", "extract"},
    {"analysis", "export"},
    {"store"},
    {"service"},
    {"cli", "web", "__main__"},
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        dotted = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        found[dotted.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every testimonia module `path` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base])
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            name = name.strip(".")
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("testimonia") and name != "testimonia":
                found.add(name)
    return found


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


def _layer(module: str) -> int:
    top = (module.split(".") + ["__init__"])[1]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def test_every_package_has_a_layer() -> None:
    tops = {m.split(".")[1] for m in MODULES if m != "testimonia"}
    assert tops <= set().union(*LAYERS), tops - set().union(*LAYERS)


def test_nothing_imports_a_layer_above_it() -> None:
    upward = sorted(f"{m} -> {i}" for m, imports in GRAPH.items()
                    for i in imports if _layer(i) > _layer(m))
    assert upward == []


def test_no_import_circle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in GRAPH.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


HAND_WRITES = re.compile(r"\.commit\(\)|engine\.begin\(\)|write_pending|\.finalize\(")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) > _layer("testimonia.store.engine")
                                         or m.startswith("testimonia.service")))
def test_no_module_above_the_store_commits_or_moves_a_head_by_hand(module: str) -> None:
    if module == "testimonia.service.workspace":  # where transaction() does it for everyone
        return
    assert HAND_WRITES.findall(MODULES[module].read_text(encoding="utf-8")) == []


def test_the_web_layer_calls_the_services_never_the_store() -> None:
    """web/ reads and changes nothing but through the service layer (no SQL, no store)."""
    reaching = sorted(f"{m} -> {i}" for m, imports in GRAPH.items() if m.startswith("testimonia.web")
                      for i in imports if i.startswith("testimonia.store"))
    assert reaching == []
    assert [m for m in MODULES if m.startswith("testimonia.web")
            and re.search(r"^\s*(from|import) sqlalchemy", MODULES[m].read_text(encoding="utf-8"), re.M)] == []
