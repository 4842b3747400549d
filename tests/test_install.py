"""`pip install .` into a fresh virtual environment gives the library and a working `deepclust` command.

What this shows: pyproject.toml builds with setuptools; the installed package is deepclust_core with
every subpackage and its assets (the same files as the checkout's deepclust_core/) and nothing else
(no app, pages, ui, tests, bench or examples); every declared dependency, torch==2.13.0 included, is
met by the versions the project's .venv has; and the console script `deepclust` runs the CLI from the
installed copy, outside the checkout, and exits with main()'s status.

What it does not show: that the dependencies download and install from the package registry (that
is `make app` / `make test` on a fresh machine, through requirements.txt's `-e .`), nor pip's build
isolation. To stay fast and offline, the fresh venv sees the project venv's site-packages through a
.pth file, so pip finds every dependency already there and installs deepclust alone; the venv is made
without a pip of its own, so `python -m pip` there runs the project venv's pip, which installs into the
fresh venv; and pip runs with --no-index and --no-build-isolation (the build uses the setuptools found
there). The checkout is copied to a temporary folder first, so the build's build/ and egg-info never
land in the worktree.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import venv
from pathlib import Path

import pytest

from deepclust_core.cli.main import build_parser

pytestmark = pytest.mark.install  # a fresh virtual environment and pip: left out of `make test-fast`

ROOT = Path(__file__).resolve().parents[1]
# Left out of the copy: at the top, what .gitignore names (venvs, run and build outputs, caches); anywhere, bytecode.
TOP_LEVEL_LEFT_OUT = (".git", ".venv", ".venv-peers", "runs", "build", "deepclust.egg-info", ".cache", ".pytest_cache",
                      "test-artifacts")
FINAL_LINE = re.compile(r"^final: ACC=\d\.\d{4} NMI=\d\.\d{4} ARI=-?\d\.\d{4}; "
                        r"AE \+ k-means: ACC=\d\.\d{4} NMI=\d\.\d{4} ARI=-?\d\.\d{4}; \d+\.\ds on \S+")
INSTALLED_FILES = """
import importlib.metadata, json, deepclust_core
from deepclust_core.runs.store import EXAMPLES_DIR
print(json.dumps({"package": deepclust_core.__file__, "examples_exist": EXAMPLES_DIR.exists(),
                  "record": [str(f) for f in importlib.metadata.distribution("deepclust").files]}))
"""


def run(command: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def left_out(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name == "__pycache__" or (Path(folder) == ROOT and name in TOP_LEVEL_LEFT_OUT)}


def package_files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the checkout installed by `pip install .`: (its bin folder, a neutral working
    folder, the environment to run it in, the checkout's copy)."""
    tmp = tmp_path_factory.mktemp("install")
    source, env_dir, work = tmp / "source", tmp / "venv", tmp / "work"
    shutil.copytree(ROOT, source, ignore=left_out)
    venv.create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      text=True).strip()
    Path(purelib, "project-venv.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONHOME")}
    env["DEEPCLUST_CACHE"] = str(tmp / "cache")
    pip = run([python, "-m", "pip", "install", "--no-index", "--no-build-isolation", "."], source, env)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    work.mkdir()
    return env_dir / "bin", work, env, source


def test_the_package_holds_deepclust_core_and_its_assets_only(installed):
    bin_dir, work, env, source = installed
    shown = run([bin_dir / "python", "-c", INSTALLED_FILES], work, env)
    assert shown.returncode == 0, shown.stderr
    facts = json.loads(shown.stdout)
    package = Path(facts["package"]).parent
    assert package.is_relative_to(bin_dir.parent), f"deepclust_core imported from {package}, not the fresh venv"
    assert package_files(package) == package_files(source / "deepclust_core")
    assert {"assets/report.js", "assets/plotly-basic.min.js.gz"} <= package_files(package)
    top_level = {Path(name).parts[0] for name in facts["record"] if not name.startswith("..")}
    assert top_level == {"deepclust_core", "deepclust-0.1.0.dist-info"}
    assert not facts["examples_exist"], "an installed package has no examples/: the app's examples come from a checkout"


def test_deepclust_help_lists_every_command(installed):
    bin_dir, work, env, _ = installed
    shown = run([bin_dir / "deepclust", "--help"], work, env)
    assert shown.returncode == 0, shown.stderr
    commands = next(action.choices for action in build_parser()._subparsers._group_actions)
    assert "{" + ",".join(commands) + "}" in shown.stdout and "sweep" in commands


def test_deepclust_trains_on_digits(installed):
    bin_dir, work, env, _ = installed
    trained = run([bin_dir / "deepclust", "train", "--data", "digits", "--pretrain-epochs", "2",
                   "--cluster-epochs", "2", "--no-store"], work, env)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    lines = trained.stdout.strip().splitlines()
    assert lines[0].startswith("digits: 1797 rows x 64 features")
    assert FINAL_LINE.match(lines[-1]), lines[-1]


def test_deepclust_exits_with_mains_status(installed):
    bin_dir, work, env, _ = installed
    failed = run([bin_dir / "deepclust", "export", "no-such-run", "--store", str(work / "store")], work, env)
    assert failed.returncode == 2
    assert failed.stderr.startswith("error: no run 'no-such-run'")
