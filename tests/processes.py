"""Processes that tests start: the task worker on the test database, what runs in a session
(read from /proc), and stopping what they started."""

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload"]


def worker_environment():
    """The environment of a worker process that works on the test database.

    Its DATABASE_URL names the test database; the scratch directories (PAPERS_ROOT,
    BOOK_CACHE_DIR) come with the environment tests/settings.py set.
    """
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": urlunsplit(url),
    }


def stop(process):
    """End `process` and what it started (its own session: start it with start_new_session)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@dataclass(frozen=True)
class Running:
    pid: int
    parent: int
    command: str


def running_in(session):
    """The live processes of `session` (a process started with start_new_session and all it
    started, re-parented or not), from /proc; zombies, which hold nothing, are left out."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        # pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
        state, parent, _group, its_session = text[text.rindex(")") + 2 :].split()[:4]
        if state != "Z" and int(its_session) == session:
            found.append(Running(int(stat.parent.name), int(parent), command.strip()))
    return found
