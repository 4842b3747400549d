"""The layers of the code, read from the source: a module imports its own package and the layers below
its own, never one above. This file is the one place that says the order; a new package gets a place here.

Imports are read with `ast` from every file (those inside functions and under TYPE_CHECKING too), so the
test needs no import of the code and sees what a reader sees.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS = (  # bottom to top; "a | b": side by side in one layer, neither imports the other
    "deepclust_core.data | deepclust_core.user_cache",  # the Dataset and its loaders; the cache folder
    "deepclust_core.settings",  # TrainConfig, AutoencoderConfig, option fields, optimiser descriptions
    "deepclust_core.catalog",  # the method cards (config dataclasses, lessons, presets)
    "deepclust_core.recipe",  # card + settings -> a run's TrainConfig (config_for); what each setting drives
    "deepclust_core.networks",  # the autoencoders and their pretraining
    "deepclust_core.evaluation | deepclust_core.projection",  # metrics; UMAP frames and ClusterView
    "deepclust_core.methods",  # the clustering methods
    "deepclust_core.training",  # the one loop and its snapshots
    "deepclust_core.runs | deepclust_core.choose_k",  # the run store, recording, LiveRun; choosing K
    "deepclust_core.sweeps",  # many runs over settings
    "deepclust_core.estimator",  # DeepClusterer, the scikit-learn style API
    "deepclust_core.cli",  # the `deepclust` command
    "deepclust_core | deepclust_core.__main__",  # the package's public names (imported lazily); python -m
    "ui",  # the app's parts (Streamlit)
    "pages",  # the app's pages
    "app",  # the app's entry point
    "browser_harness",  # the app in a real browser, for the browser tests and the benchmarks
    "bench",  # the benchmarks
)
SOURCES = ("deepclust_core", "ui", "pages", "app.py", "browser_harness.py", "bench")  # tests/ may import anything
PACKAGE_ITSELF = "deepclust_core"  # `import deepclust_core` alone (the package object, for Ray's py_modules) uses no layer


def layer_table() -> dict[str, tuple[int, str]]:
    """Each name of LAYERS -> (its layer's height, the name)."""
    return {name.strip(): (height, name.strip()) for height, layer in enumerate(LAYERS) for name in layer.split("|")}


def module_files() -> dict[str, Path]:
    """Every module of SOURCES by its dotted name."""
    files = {}
    for source in SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            parts = list(file.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = file
    return files


def place(module: str, table: dict) -> tuple[int, str] | None:
    """The layer of a module: that of the longest name of LAYERS that is the module or a package above it."""
    names = [name for name in table if module == name or module.startswith(name + ".")]
    return table[max(names, key=len)] if names else None


def imports(module: str, file: Path, modules: dict) -> list[tuple[int, str]]:
    """(line, module reached) for each import of the file, relative ones resolved, `from a import b` as a.b
    when b is a module."""
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name != PACKAGE_ITSELF]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                found.append((node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base))
    return found


def upward_imports() -> list[str]:
    table, modules = layer_table(), module_files()
    problems = []
    for module, file in modules.items():
        own = place(module, table)
        for line, target in imports(module, file, modules):
            theirs = place(target, table)
            if theirs is None or own is None or theirs[1] == own[1]:
                continue
            if theirs[0] >= own[0]:
                where = "above" if theirs[0] > own[0] else "beside"
                problems.append(f"{file.relative_to(ROOT)}:{line}: {module} (layer {own[0]}, {own[1]}) imports "
                                f"{target} (layer {theirs[0]}, {theirs[1]}), {where} its own")
    return problems


def test_no_module_imports_a_layer_above_its_own():
    problems = upward_imports()
    assert not problems, "imports against the layers (tests/test_layers.py, LAYERS):\n" + "\n".join(problems)


def test_every_package_has_a_layer():
    """A new package or top-level module of deepclust_core must be given its place in LAYERS (else it would
    count as the package's top, where anything may import it unseen)."""
    table = layer_table()
    children = {f"deepclust_core.{path.stem}" for path in (ROOT / "deepclust_core").iterdir()
                if path.suffix == ".py" and path.stem != "__init__" or (path / "__init__.py").exists()}
    assert children - set(table) == set()
    assert all(place(module, table) is not None for module in module_files())
