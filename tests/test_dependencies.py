"""requirements.lock, which scripts/portal installs with --require-hashes, says what pyproject.toml
pins: a pin changed in one and not the other fails here (`bash scripts/portal lock` rewrites it)."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "roundtable-portal (pyproject.toml)"


def pins():
    """{name: version} of pyproject.toml's dependencies and its test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line} is not pinned"
        pinned[canonicalize_name(requirement.name)] = specifier.version
    return pinned


def locked():
    """{name: (version, hashes, what needs it)} of requirements.lock, as uv writes it: each entry
    `name==version` with its `--hash=` lines and `# via` comments, one needing package a line."""
    packages = {}
    for entry in re.split(r"\n(?=\S)", (ROOT / "requirements.lock").read_text()):
        if match := re.match(r"([A-Za-z0-9._-]+)==([^\s;]+)", entry):
            comments = [line.strip() for line in entry.splitlines() if line.strip().startswith("#")]
            needed_by = {
                comment.lstrip("#").strip().removeprefix("via").strip() for comment in comments
            }
            packages[canonicalize_name(match[1])] = (
                match[2],
                re.findall(r"--hash=sha256:[0-9a-f]{64}", entry),
                needed_by - {""},
            )
    return packages


def test_the_lock_file_holds_every_pin_of_pyproject_at_its_version():
    lock = locked()
    assert {name: lock.get(name, ("missing",))[0] for name in pins()} == pins()


def test_the_lock_file_asks_for_no_package_that_pyproject_dropped():
    asked_by_project = {
        name for name, (_, _, needed_by) in locked().items() if PROJECT in needed_by
    }
    assert asked_by_project == set(pins())


def test_every_locked_package_has_its_hashes():
    assert all(hashes for _, hashes, _ in locked().values())
