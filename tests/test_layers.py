"""The package's folders are layers, and imports go one way: down.

A module may import from its own layer and the layers below it, never from above, so the
pure layers never pull in the UI, the database or a file format. This is the contract a
newcomer can draw from the folder names alone; the order is written once, here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .builders import ROOT

PACKAGE = ROOT / "screening"

LAYERS = [
    "core",  # names, settings, landmarks, the scene, reps: pure numpy
    "pose",  # MediaPipe and the patch networks: the only inference code
    "checks",  # one module per fault
    "decide",  # score, route, program
    "io",  # videos, records, annotated videos, private files
    "engine",  # one video from frames to a record, and its landmark cache
    "report",  # evidence pictures, HTML and PDF reports
    "live",  # the live camera screen
    "batch",  # many videos: processes, Dask, evaluation
    "clinic",  # the clinic database and its exports
    "app",  # the Streamlit app
    "cli",  # the command line
]
"""Lowest first. `screening/__init__.py` (the version) is below them all."""

PURE = {"core", "checks", "decide"}
"""Layers that must not import the UI, a database or a web server, even lazily."""
FORBIDDEN_IN_PURE = (
    "streamlit",
    "sqlalchemy",
    "alembic",
    "dask",
    "aiortc",
    "streamlit_webrtc",
    "mediapipe",
    "av",
    "fpdf",
    "matplotlib",
)


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name inside the package (None for the package root)."""
    parts = module.split(".")
    if parts[0] != "screening" or len(parts) == 1:
        return None
    return "cli" if parts[1] in ("cli", "__main__") else parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports (top level, in functions, under TYPE_CHECKING alike)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "screening":  # `from screening import batch`
                found += [
                    (node.lineno, f"screening.{a.name}")
                    for a in node.names
                    if a.name != "__version__"
                ]
    return found


def modules() -> list[Path]:
    """The package's code (`data/` holds files the code reads, not code)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def test_every_module_sits_in_a_known_layer():
    strays = [
        str(p.relative_to(ROOT))
        for p in modules()
        if layer_of(module_name(p)) not in (*LAYERS, None)
    ]
    assert not strays, f"modules outside the layer folders: {strays}"


def test_imports_only_go_down():
    upward = []
    for path in modules():
        here = layer_of(module_name(path))
        if here is None:
            continue
        for line, target in imports(path):
            there = layer_of(target)
            if there is not None and LAYERS.index(there) > LAYERS.index(here):
                upward.append(
                    f"{path.relative_to(ROOT)}:{line} ({here}) imports {target} ({there})"
                )
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def test_pure_layers_import_no_ui_database_or_inference():
    bad = []
    for path in modules():
        if layer_of(module_name(path)) not in PURE:
            continue
        for line, target in imports(path):
            if target.split(".")[0] in FORBIDDEN_IN_PURE:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not bad, "\n".join(bad)


def test_only_the_pose_layer_runs_mediapipe():
    bad = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules()
        if layer_of(module_name(path)) != "pose"
        for line, target in imports(path)
        if target.split(".")[0] == "mediapipe"
    ]
    assert not bad, f"mediapipe imported outside screening/pose: {bad}"


def test_checks_do_not_import_each_other():
    """Each check stands alone; what two share lives in checks.base or a lower layer."""
    bad = []
    for path in (PACKAGE / "checks").glob("*.py"):
        if path.stem in ("__init__", "base"):
            continue
        for line, target in imports(path):
            if target.startswith("screening.checks.") and target != "screening.checks.base":
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not bad, "\n".join(bad)


def _runtime_imports(path: Path) -> set[str]:
    """The package's modules `path` imports when it runs (not those under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", None) == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("screening.")}


def test_no_two_modules_import_each_other():
    """No import cycles, not even through a lazy import inside a function: a cycle means
    two modules are one, or a piece sits in the wrong one."""
    graph = {module_name(p): _runtime_imports(p) for p in modules()}
    graph = {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for dep in sorted(graph[module]):
            visit(dep, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_the_contract_catches_an_upward_import(tmp_path):
    """The checker itself: a core module importing the app is reported."""
    fake = tmp_path / "bad.py"
    fake.write_text("from screening.app.capture import x\n")
    here, (_line, target) = "core", imports(fake)[0]
    assert LAYERS.index(layer_of(target)) > LAYERS.index(here)
    assert layer_of("screening.cli") == "cli" and layer_of("screening") is None
