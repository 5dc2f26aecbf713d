"""Layers without back-edges (issue #12; TEAM.md "Code rules"; docs/architecture.md).

Layers, lowest first: infra < members < checkups < guidance < intake < {employer_data, rates, portal} < demo, and
config on top. A module imports only from its own layer or below — at module level and inside functions alike (an
import hidden in a function to dodge a cycle is still an edge). The interface ring (admin, api, views, serializers,
forms, urls, tasks, management commands) may also call any app's services and selectors. Migrations depend only
on migrations of their own layer or below. No private name (`_x`) is imported from another module.

The checks read the source (AST), so they see every import, also the ones a test run never executes.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("infra",),
    ("members",),
    ("checkups",),
    ("guidance",),
    ("intake",),
    ("employer_data", "rates", "portal"),
    ("demo",),
    ("config",),
)
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# What the interface ring may import from any layer: the apps' use cases.
RING_MAY_IMPORT = ("services", "selectors")

# Known back-edges of today's code. Each one is removed by the intake refactor (issue #12, the one store path),
# which then empties this set; the test fails when an entry is no longer needed, so the list only shrinks.
ALLOWED_UPWARD: set[tuple[str, str]] = {
    # The person page (issue #16) is an admin page in the bottom app that shows every app's data with their rule
    # modules and codes; it moves up a layer (or reads only through selectors) in the staff work — staff helper.
    ("members.admin_hub", "checkups.codes"),
    ("members.admin_hub", "guidance.codes"),
    ("members.admin_hub", "guidance.completion"),
    ("members.admin_hub", "guidance.points"),
    ("members.admin_hub", "guidance.wording"),
    ("members.admin_hub", "rates.counting"),
}

# Private names imported across modules (module, name); none today.
ALLOWED_PRIVATE: set[tuple[str, str]] = set()  # the intake refactor removed _DATE_FIELDS and _gc_paused


@dataclass(frozen=True)
class Edge:
    importer: str  # dotted module name
    imported: str  # dotted module name (the module a name is taken from)
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files() -> Iterator[Path]:
    for app in RANK:
        folder = ROOT / app
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _edges(path: Path) -> Iterator[tuple[Edge, tuple[str, ...]]]:
    """(edge, names taken) of each import in `path`, with whether it sits inside a function."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(child) for f in functions for child in ast.walk(f) if child is not f}
    for node in ast.walk(tree):
        in_function = id(node) in nested
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(module, alias.name, node.lineno, in_function), ()
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, path.name == "__init__.py", node)
            names = tuple(alias.name for alias in node.names)
            yield Edge(module, source, node.lineno, in_function), names
            for name in names:  # `from checkups import services` imports the module checkups.services
                if (ROOT / Path(*source.split("."), name)).is_dir() or (
                    ROOT / Path(*source.split("."), f"{name}.py")
                ).is_file():
                    yield Edge(module, f"{source}.{name}", node.lineno, in_function), ()


def _app(module: str) -> str:
    return module.split(".")[0]


def is_interface(module: str) -> bool:
    """admin.py, api/, views*, serializers*, forms*, urls*, tasks*, management/commands/* (of any app)."""
    parts = module.split(".")
    if "management" in parts and "commands" in parts:
        return True
    return any(
        part in ("admin", "api", "views", "serializers", "forms", "urls", "tasks")
        or part.startswith(("admin_", "api_", "views_", "serializers_", "forms_", "urls_", "tasks_"))
        for part in parts[1:]
    )


def _is_use_case(module: str) -> bool:
    return any(part in RING_MAY_IMPORT or part.startswith(RING_MAY_IMPORT) for part in module.split(".")[1:])


def upward_imports() -> list[tuple[Edge, str]]:
    found = []
    for path in _project_files():
        for edge, _names in _edges(path):
            importer_app, imported_app = _app(edge.importer), _app(edge.imported)
            if imported_app not in RANK or RANK[imported_app] <= RANK[importer_app]:
                continue
            if is_interface(edge.importer) and _is_use_case(edge.imported):
                continue
            where = "inside a function" if edge.in_function else "at module level"
            found.append((edge, f"{edge.importer}:{edge.line} imports {edge.imported} ({where})"))
    return found


def private_imports() -> list[tuple[Edge, str, str]]:
    found = []
    for path in _project_files():
        for edge, names in _edges(path):
            if _app(edge.imported) not in RANK or edge.imported == edge.importer:
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    found.append((edge, name, f"{edge.importer}:{edge.line} imports {edge.imported}.{name}"))
    return found


def _migration_dependencies() -> Iterator[tuple[str, str, int]]:
    """(app, app it depends on, line) of every migration's `dependencies`."""
    for app in RANK:
        for path in sorted((ROOT / app / "migrations").glob("0*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets
                ):
                    for dep in getattr(node.value, "elts", ()):  # swappable_dependency(...) calls are skipped
                        if isinstance(dep, ast.Tuple) and isinstance(dep.elts[0], ast.Constant):
                            yield app, str(dep.elts[0].value), node.lineno


def test_no_module_imports_from_a_higher_layer() -> None:
    violations = {(e.importer, e.imported): text for e, text in upward_imports()}
    new = sorted(text for key, text in violations.items() if key not in ALLOWED_UPWARD)
    assert not new, "imports from a higher layer (docs/architecture.md):\n" + "\n".join(new)
    stale = sorted(ALLOWED_UPWARD - violations.keys())
    assert not stale, f"allowed back-edges that no longer exist (remove them from ALLOWED_UPWARD): {stale}"


def test_no_private_name_is_imported_from_another_module() -> None:
    violations = {(e.imported, name): text for e, name, text in private_imports()}
    new = sorted(text for key, text in violations.items() if key not in ALLOWED_PRIVATE)
    assert not new, "private names imported across modules (make them public or move the code):\n" + "\n".join(new)
    stale = sorted(ALLOWED_PRIVATE - violations.keys())
    assert not stale, f"allowed private imports that no longer exist (remove them from ALLOWED_PRIVATE): {stale}"


# Migrations are history, not code: a model that moved down a layer keeps the dependency on the migration it came
# from, so existing databases migrate (issue #12: "the migrations keep existing databases working").
ALLOWED_MIGRATION_DEPENDENCIES = {
    ("members", "guidance"),  # 0003: GuidanceProvider moved down from guidance (state only); stays, it is history
}


def test_migrations_depend_only_on_their_layer_or_below() -> None:
    upward = {(app, dep) for app, dep, _line in _migration_dependencies() if dep in RANK and RANK[dep] > RANK[app]}
    assert not upward - ALLOWED_MIGRATION_DEPENDENCIES, sorted(upward - ALLOWED_MIGRATION_DEPENDENCIES)
    assert not ALLOWED_MIGRATION_DEPENDENCIES - upward, "stale entries in ALLOWED_MIGRATION_DEPENDENCIES"


# --- The checker itself must be able to fail --------------------------------------------------------------------


def _scan(tmp_path: Path, module: str, source: str) -> list[str]:
    path = tmp_path.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    edges = []
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        for edge, _ in _edges(path):
            importer_app, imported_app = _app(edge.importer), _app(edge.imported)
            upward = imported_app in RANK and RANK[imported_app] > RANK[importer_app]
            if upward and not (is_interface(edge.importer) and _is_use_case(edge.imported)):
                edges.append(f"{edge.imported}{' (function)' if edge.in_function else ''}")
    finally:
        ROOT = saved
    return edges


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("checkups.rules", "from guidance.models import Programme\n", ["guidance.models"]),
        ("checkups.rules", "def f():\n    from guidance import services\n", ["guidance (function)"]),
        ("checkups.rules", "import rates.models\n", ["rates.models"]),
        ("checkups.rules", "from members.models import Insurer\nfrom .codes import Source\n", []),
        ("checkups.admin", "from guidance.services import programmes_sync\n", []),  # the ring may call services
        ("checkups.admin", "from guidance.models import Programme\n", ["guidance.models"]),
        ("members.management.commands.x", "from rates.selectors import y\n", []),
        ("demo.population", "from config import celery\n", ["config"]),
        ("infra.i18n", "import members\n", ["members"]),
    ],
)
def test_the_layer_check_sees_each_kind_of_import(tmp_path: Path, module: str, source: str, expected: list) -> None:
    assert sorted(_scan(tmp_path, module, source)) == sorted(expected)
