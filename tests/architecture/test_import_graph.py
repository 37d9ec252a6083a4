"""The house rules of imports, read from the source with ``ast`` (nothing is imported).

- No import cycle between the project's modules, function-local imports included: a local import
  that hides a cycle is still a cycle.
- Layers: ``portal`` < ``supervision`` < ``certificates``, ``fees`` < ``trial``; a module imports only its
  own app or a lower one. ``certificates`` and ``fees`` do not import each other. Only the URL roots
  (``portal/urls.py``, ``portal/api/urls.py``) compose every app.
- Imports sit at the top of the file: a function-local import of a project module is allowed only
  where the list below says why.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "supervision", "certificates", "fees", "trial"]
LAYER = {"portal": 0, "supervision": 1, "certificates": 2, "fees": 2, "trial": 3}
URL_ROOTS = {"portal.urls", "portal.api.urls"}
# module → project modules it may import inside a function, and why.
LOCAL_IMPORTS_ALLOWED: dict[str, set[str]] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (``a.b.C`` → ``a.b``), if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def graph() -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """module → modules it imports; and the function-local imports (module, target, line)."""
    modules = project_modules()
    edges: dict[str, set[str]] = defaultdict(set)
    local: list[tuple[str, str, int]] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        top_level |= {id(child) for node in tree.body if isinstance(node, ast.If | ast.Try) for child in ast.walk(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in imported_names(node, module, path.name == "__init__.py"):
                target = resolve(name, modules)
                if target is None or target == module or module.startswith(target + "."):
                    continue  # a package's own __init__ is not a dependency of its modules
                edges[module].add(target)
                if id(node) not in top_level:
                    local.append((module, target, node.lineno))
    return edges, local


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in list(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    edges, _ = graph()
    assert cycles(edges) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lower_apps_do_not_import_higher_ones():
    edges, _ = graph()
    wrong = []
    for module, targets in edges.items():
        if module in URL_ROOTS:
            continue
        app = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != app and LAYER[other] >= LAYER[app]:
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_imports_are_at_the_top_of_the_file():
    _, local = graph()
    hidden = [
        f"{module}:{line} imports {target}"
        for module, target, line in local
        if target not in LOCAL_IMPORTS_ALLOWED.get(module, set())
    ]
    assert hidden == []


def test_supervision_holds_nothing_of_the_trial():
    names = [path.relative_to(ROOT).as_posix() for path in (ROOT / "supervision").rglob("*") if "trial" in path.name]
    assert [name for name in names if "/migrations/" not in name] == []
