"""The test suite's wall time on this machine: one process against pytest-xdist on every core.

    .venv/bin/python benchmarks/test_suite.py [--fast] [pytest arguments…]

Runs the same selection twice in one go, first in one process (`-n 0`, the reference: how the
suite ran before it was parallel), then as `make test` runs it (`--numprocesses=auto`), and
prints both times, their ratio and what each run reported (and the slowest tests, given
`--durations=N`). `--fast` takes the selection of
`make test-fast` (`-m "not slow"`) instead of the whole suite. Needs the checkout's PostgreSQL and
Redis (`bash scripts/portal db-start`); each run creates and drops its own test databases.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed|error).*?) in [\d.]+s", re.MULTILINE)
DURATIONS = re.compile(r"^=+ slowest .*?(?=^=*\s*\d+ (?:passed|failed|error))", re.M | re.S)


def run(label, arguments):
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *arguments],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    seconds = time.monotonic() - started
    durations = DURATIONS.search(finished.stdout)
    if durations:  # asked for with --durations=N: which tests to mark slow
        print(durations.group().rstrip())
    summary = SUMMARY.findall(finished.stdout)
    print(f"{label:<28} {seconds:8.1f} s   {summary[-1] if summary else finished.stdout[-300:]}")
    if finished.returncode:
        raise SystemExit(f"error: the {label} run failed (exit status {finished.returncode})")
    return seconds


def main(arguments):
    selection = arguments
    if arguments[:1] == ["--fast"]:
        selection = ["-m", "not slow", *arguments[1:]]
    print(f"{os.cpu_count()} cores; pytest {' '.join(selection) or '(whole suite)'}")
    serial = run("one process (-n 0)", ["-n", "0", *selection])
    parallel = run("every core (-n auto)", ["--numprocesses=auto", "--maxprocesses=8", *selection])
    print(f"parallel / one process: {parallel / serial:.2f} ({1 - parallel / serial:.0%} faster)")


if __name__ == "__main__":
    main(sys.argv[1:])
