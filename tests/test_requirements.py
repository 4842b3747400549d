"""requirements.txt and requirements-dev.txt agree with pyproject.toml: the same packages and pins, so
`make app` / `make test` and `pip install .[app,sweeps,dev]` install the same things."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines(name: str) -> list[str]:
    """The requirement specifiers of a requirements file, without comments, -r and -e lines."""
    lines = (line.split("#")[0].strip() for line in (ROOT / name).read_text().splitlines())
    return [line for line in lines if line and not line.startswith(("-r", "-e"))]


def test_the_requirement_files_list_what_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert requirement_lines("requirements.txt") == project["dependencies"] + extras["app"] + extras["sweeps"]
    assert requirement_lines("requirements-dev.txt") == extras["dev"]
    assert "torch==2.13.0" in project["dependencies"]
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()
