"""The house rules for imports (docs/architecture.md), read from the source with ``ast``.

1. An app imports only apps on a lower floor (``FLOORS``): core <- accounts <- notifications <- forum <-
   realtime, mentoring, knowledge_base <- frontend, digests, meetings <- passport, monitoring <- api <-
   demo (dev only). Apps on one floor do not import each other,
   and nothing but ``config`` (by name, in ``INSTALLED_APPS``) knows the demo app.
2. No import cycle between the modules of one app (imports at module level; ``if TYPE_CHECKING``
   blocks do not run and do not count).
3. An import of Kring code inside a function hides a dependency, so it is allowed only in an
   app's ``apps.py`` (app configs load before the models) and where ``DEFERRED`` says why.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOORS = {
    "core": 0,
    "accounts": 1,
    "notifications": 2,
    "forum": 3,
    "realtime": 4,
    "mentoring": 4,
    "knowledge_base": 4,
    "frontend": 5,
    "digests": 5,
    # They read the records of the apps on floor 5 (meetings' attendance) as evidence and figures.
    "passport": 6,
    "monitoring": 6,
    "meetings": 5,
    # The REST API describes every app's reads and writes (meetings, the passport's credentials).
    "api": 7,
    "demo": 8,
}
# config wires everything together (settings, URLs, ASGI); it may import any app but the demo.
TOP = "config"

# (module, imported module) -> why the import sits inside a function.
DEFERRED = {
    ("forum.services._common", "forum.urls"): "reserved slugs come from the URL conf, which imports the views, "
    "which import these services",
    ("frontend.selectors", "forum.selectors"): "only the header query needs the forum's unread counts",
    ("frontend.context_processors", "frontend.selectors"): "context processors load with the settings, "
    "before the app registry is ready",
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted (a package's submodule where ``from pkg import sub``)
    line: int
    deferred: bool  # inside a function
    type_only: bool  # inside ``if TYPE_CHECKING``


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _sources() -> dict[str, Path]:
    found = {}
    for app in [*FLOORS, TOP]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    result: list[Import] = []

    def visit(node: ast.AST, *, deferred: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, deferred=True, type_only=type_only)
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for item in child.body:
                    visit(ast.Module(body=[item], type_ignores=[]), deferred=deferred, type_only=True)
                for item in child.orelse:
                    visit(ast.Module(body=[item], type_ignores=[]), deferred=deferred, type_only=type_only)
                continue
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if _is_module(sub) else base)
            for target in targets:
                if target.split(".")[0] in FLOORS or target.split(".")[0] == TOP:
                    result.append(Import(module, target, child.lineno, deferred, type_only))
            visit(child, deferred=deferred, type_only=type_only)

    visit(tree, deferred=False, type_only=False)
    return result


def _all_imports() -> list[Import]:
    return [imp for module, path in sorted(_sources().items()) for imp in _imports(module, path)]


def _app(module: str) -> str:
    return module.split(".")[0]


def test_apps_import_only_lower_floors() -> None:
    wrong = []
    for imp in _all_imports():
        source, target = _app(imp.module), _app(imp.target)
        if source == target:
            continue
        # config may import any app but the demo; an app only the floors below its own.
        allowed = target != "demo" if source == TOP else target != TOP and FLOORS[target] < FLOORS[source]
        if not allowed:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target}")
    assert wrong == [], "upward or sideways imports (see docs/architecture.md):\n" + "\n".join(wrong)


def test_no_import_cycles_within_an_app() -> None:
    graph: dict[str, set[str]] = {}
    for imp in _all_imports():
        same_app = _app(imp.module) == _app(imp.target) and imp.target != imp.module
        if same_app and not imp.deferred and not imp.type_only:
            graph.setdefault(imp.module, set()).add(imp.target)
    cycles = _cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_imports_inside_functions_are_documented() -> None:
    hidden = []
    for imp in _all_imports():
        if not imp.deferred or imp.module.endswith(".apps"):
            continue
        if (imp.module, imp.target) not in DEFERRED:
            hidden.append(f"{imp.module}:{imp.line} imports {imp.target} inside a function")
    assert hidden == [], "move these to the top of the module, or say why in DEFERRED:\n" + "\n".join(hidden)
    assert all(reason for reason in DEFERRED.values())


def test_the_rules_see_a_cycle_and_an_upward_import() -> None:
    """The checks themselves: a made-up graph with a loop, and accounts importing the forum."""
    assert _cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}) == [["a.x", "a.y", "a.z", "a.x"]]
    assert _cycles({"a.x": {"a.y"}, "a.y": set()}) == []
    tree = _imports("accounts.example", ROOT / "accounts" / "__init__.py")
    assert all(imp.target.split(".")[0] in FLOORS for imp in tree)
    assert FLOORS["forum"] > FLOORS["accounts"], "accounts would be allowed to import the forum"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules, as one loop through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [[*group, group[0]] for group in groups]


def _installed_apps(**env: str) -> list[str]:
    """INSTALLED_APPS as config/settings.py computes them from ``env`` alone (a fresh process)."""
    code = "from django.conf import settings; import json; print(json.dumps(settings.INSTALLED_APPS))"
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x"}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout))


def test_the_demo_app_is_installed_only_for_development_or_on_request() -> None:
    assert "demo" not in _installed_apps(DEBUG="false", ALLOWED_HOSTS="kring.example")
    assert "demo" in _installed_apps(DEBUG="false", ALLOWED_HOSTS="kring.example", KRING_DEMO="true")
    assert "demo" in _installed_apps(DEBUG="true")


def test_services_and_selectors_stay_readable() -> None:
    """Issue 13: no module of an app's services or selectors over ~600 lines; past that it
    becomes a package with one module per action family (forum, mentoring, meetings)."""
    too_long = {}
    for app in FLOORS:
        for kind in ("services", "selectors"):
            for path in [ROOT / app / f"{kind}.py", *sorted((ROOT / app / kind).glob("*.py"))]:
                if path.is_file() and (lines := len(path.read_text().splitlines())) > 600:
                    too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}
