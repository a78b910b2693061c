"""The lock files still satisfy pyproject.toml, so a fresh machine installs what was tested.

`./run.sh` and CI install from requirements/*.lock; people installing the package into
their own environment get the ranges in pyproject.toml. When someone edits a range and
forgets `bash requirements/lock.sh`, this test names the package.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _pins(lock: Path) -> dict[str, str]:
    """name -> version for this interpreter (a universal lock may pin per Python version)."""
    env = default_environment()
    pins: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if not match:
            continue
        name, version, marker = match.groups()
        if marker and not Requirement(f"x; {marker}").marker.evaluate(env):  # type: ignore[union-attr]
            continue
        pins[canonicalize_name(name)] = version
    return pins


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    todo = list(extras)
    while todo:
        for text in project["optional-dependencies"][todo.pop()]:
            req = Requirement(text)
            if canonicalize_name(req.name) == "screening":  # screening[postgres]
                todo.extend(req.extras)
            else:
                wanted.append(req)
    build = (ROOT / "requirements" / "build.in").read_text().splitlines()
    wanted += [Requirement(b) for b in build if b.strip() and not b.startswith("#")]
    return wanted


@pytest.mark.parametrize(("lock", "extras"), [("app.lock", ()), ("test.lock", ("test",))])
def test_every_requirement_is_pinned_inside_its_range(lock, extras):
    pins = _pins(ROOT / "requirements" / lock)
    assert len(pins) > 50
    for req in _requirements(extras):
        if req.marker and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in {lock}"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {req.name}=={pins[name]}, outside pyproject.toml's {req.specifier}: "
            "run `bash requirements/lock.sh`"
        )


def test_every_pin_has_a_hash():
    for lock in ("app.lock", "test.lock"):
        text = (ROOT / "requirements" / lock).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        for block in blocks:
            if "==" in block.splitlines()[0]:
                assert "--hash=sha256:" in block, f"{lock}: no hash for {block.splitlines()[0]}"


def test_run_sh_installs_from_the_locks_with_hashes():
    run = (ROOT / "run.sh").read_text()
    assert "--require-hashes" in run
    assert "requirements/$1.lock" in run
    assert "setup app" in run and "setup test" in run
