"""The lock files, which scripts/portal installs with --require-hashes, follow pyproject.toml:
requirements.lock what production runs and nothing of the test tools, requirements-test.lock the
same packages at the same versions and the test extra. A pin changed in pyproject.toml and not in
the locks fails here (`bash scripts/portal lock` rewrites them)."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "roundtable-portal (pyproject.toml)"


def pins(group):
    """{name: version} of pyproject.toml's dependencies, or of its test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = (
        project["dependencies"]
        if group == "production"
        else project["optional-dependencies"][group]
    )
    pinned = {}
    for line in lines:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line} is not pinned"
        pinned[canonicalize_name(requirement.name)] = specifier.version
    return pinned


def locked(name):
    """{name: (version, hashes, what needs it)} of a lock file, as uv writes it: each entry
    `name==version` with its `--hash=` lines and `# via` comments, one needing package a line
    (`-c requirements.lock`, the constraint the test lock is compiled with, is not a need)."""
    packages = {}
    for entry in re.split(r"\n(?=\S)", (ROOT / name).read_text()):
        if match := re.match(r"([A-Za-z0-9._-]+)==([^\s;]+)", entry):
            comments = [line.strip() for line in entry.splitlines() if line.strip().startswith("#")]
            needed_by = {
                comment.lstrip("#").strip().removeprefix("via").strip() for comment in comments
            }
            packages[canonicalize_name(match[1])] = (
                match[2],
                re.findall(r"--hash=sha256:[0-9a-f]{64}", entry),
                needed_by - {"", "-c requirements.lock"},
            )
    return packages


def versions(lock):
    return {name: version for name, (version, _, _) in lock.items()}


def asked_by_project(lock):
    return {name for name, (_, _, needed_by) in lock.items() if PROJECT in needed_by}


def test_the_production_lock_holds_every_production_pin_and_no_test_tool():
    lock = locked("requirements.lock")
    assert {name: versions(lock).get(name) for name in pins("production")} == pins("production")
    assert asked_by_project(lock) == set(pins("production"))
    assert not set(pins("test")) & set(lock)


def test_the_production_lock_holds_only_what_production_packages_need():
    lock = locked("requirements.lock")
    needers = {
        canonicalize_name(needer) if needer != PROJECT else needer
        for _, _, needed_by in lock.values()
        for needer in needed_by
    }
    assert needers <= set(lock) | {PROJECT}


def test_the_test_lock_holds_production_as_locked_and_every_test_pin():
    production, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert {name: test.get(name, ("missing",))[:2] for name in production} == {
        name: (version, hashes) for name, (version, hashes, _) in production.items()
    }
    everything = {**pins("production"), **pins("test")}
    assert {name: versions(test).get(name) for name in everything} == everything
    assert asked_by_project(test) == set(everything)


def test_every_locked_package_has_its_hashes():
    for name in ("requirements.lock", "requirements-test.lock"):
        assert all(hashes for _, hashes, _ in locked(name).values()), name
