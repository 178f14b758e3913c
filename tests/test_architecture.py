"""Imports run one way (DESIGN.md; the contract is [tool.importlinter] in pyproject.toml): no domain
app imports the project package (config) or the importers, the site's machinery (portal) and the
typesetting know no domain, and roundtable imports no domain app but speakers."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_run_one_way():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
