"""Who may import whom (docs/architecture.md), checked on the source itself so a stray import fails CI."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "optimizer", "validator", "scenarios", "reports", "runs", "web")

# package -> rotaplan packages it may import (besides itself)
ALLOWED = {
    "models": set(),
    "scenarios": {"models"},
    "validator": {"models"},
    "optimizer": {"models"},
    "reports": {"models", "optimizer", "validator"},
    "runs": {"models", "optimizer", "validator", "scenarios", "reports"},
    "web": {"models", "optimizer", "scenarios", "reports", "runs"},  # a face, like cli.py; plans only through runs/
}
# third-party modules a package must not import
FORBIDDEN_LIBS = {
    "models": {"sqlite3", "dask", "distributed", "ortools", "html", "jinja2"},
    "scenarios": {"ortools", "sqlite3"},
    "validator": {"ortools"},
    "reports": {"sqlite3", "dask", "distributed", "ortools"},
    "web": {"ortools", "dask", "distributed"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["rotaplan", *parts])


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by `path` (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path).split(".")
    pkg = me if path.name == "__init__.py" else me[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)  # `from . import r1` names a module
    return found


def _sources() -> list[Path]:
    files = [ROOT / "cli.py", ROOT / "procinfo.py", ROOT / "__init__.py"]
    for p in PACKAGES:
        files.extend(sorted((ROOT / p).rglob("*.py")))
    return files


MODULES = {_module_name(p): p for p in _sources()}


def _package(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "rotaplan" and parts[1] in PACKAGES else None


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_the_architecture_allows(package):
    bad = []
    for mod, path in MODULES.items():
        if _package(mod) != package:
            continue
        for imp in _imports(path):
            other = _package(imp)
            if other and other != package and other not in ALLOWED[package]:
                bad.append(f"{path.relative_to(ROOT)} imports {imp}")
            if imp.split(".")[0] in FORBIDDEN_LIBS.get(package, set()):
                bad.append(f"{path.relative_to(ROOT)} imports {imp}")
            if imp in ("rotaplan.cli", "rotaplan.cli.main"):
                bad.append(f"{path.relative_to(ROOT)} imports the command line")
    assert not bad, "\n".join(bad)


def test_models_write_no_html():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "models").rglob("*.py")
                 if "<html" in p.read_text(encoding="utf-8").lower()]
    assert not offenders


def test_no_import_cycle_between_modules():
    g = nx.DiGraph()
    for mod, path in MODULES.items():
        g.add_node(mod)
        for imp in _imports(path):
            # an import of a name inside a module counts as an import of the module
            target = imp if imp in MODULES else imp.rsplit(".", 1)[0]
            if target in MODULES and target != mod and not MODULES[target].name == "__init__.py":
                g.add_edge(mod, target)
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])
