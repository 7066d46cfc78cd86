"""The apps import one way: an app imports only apps of a lower layer (docs/architecture.md draws them).

Type-only imports (under ``if TYPE_CHECKING:``) are allowed upward; everything else — module level or inside a
function — counts, because it runs. Tests, migrations and the settings are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
# Lowest first; apps on one line are peers and may not import each other.
LAYERS: list[set[str]] = [
    {"core"},
    {"regions"},
    {"pilots"},
    {"accounts"},
    {"notifications"},
    {"plans", "indicators", "contacts"},
    {"reporting", "experiences"},
    {"evaluation", "exchange"},
    {"workbench", "portal"},
    {"bootstrap", "api"},
]
RANK = {app: n for n, layer in enumerate(LAYERS) for app in layer}
OUTSIDE = {"settings", "static", "templates", "locale"}  # not apps: no rule


def _runtime_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _modules() -> list[tuple[str, Path]]:
    result = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] in OUTSIDE or "tests" in parts or "migrations" in parts:
            continue
        result.append((parts[0], path))
    return result


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - OUTSIDE
    assert apps - RANK.keys() == set(), "add the new app to LAYERS here and to docs/architecture.md"


def test_no_app_imports_a_higher_or_peer_app_at_run_time() -> None:
    wrong = []
    for app, path in _modules():
        for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.split(".")
            if parts[0] != "shidian" or len(parts) < 2 or parts[1] not in RANK or parts[1] == app:
                continue
            if RANK[parts[1]] >= RANK[app]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert wrong == []
