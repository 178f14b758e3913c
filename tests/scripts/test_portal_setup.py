"""`scripts/portal setup` on a checkout that is set up already: what `make test` and `make demo`
do first each time. It must touch neither apt-get (no network, no root) nor pip."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SHIMMED = ("apt-get", "pip", "pip3")


def missing_packages():
    wanted = [
        "gettext",
        "chromium",
        "poppler-utils",
        "fonts-dejavu-core",
        "fonts-paratype",
        "libharfbuzz-subset0",
    ]
    listed = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\\n", *wanted], capture_output=True, text=True
    ).stdout
    return set(wanted) - {line.split()[0] for line in listed.splitlines() if "ok installed" in line}


@pytest.mark.skipif(
    not Path("/usr/bin/dpkg-query").exists() or bool(missing_packages()),
    reason="the system packages are not all installed here",
)
def test_setup_of_a_set_up_checkout_runs_neither_apt_get_nor_pip(tmp_path):
    calls = tmp_path / "calls"
    shims = tmp_path / "bin"
    shims.mkdir()
    for name in SHIMMED:
        shim = shims / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\nexit 1\n')
        shim.chmod(0o755)
    environment = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}"}
    subprocess.run(
        ["bash", "scripts/portal", "setup"], cwd=settings.BASE_DIR, env=environment, check=True
    )
    assert not calls.exists(), calls.read_text()
