"""Processes that tests start: the task worker on the test database, and stopping what they
started."""

import contextlib
import os
import signal
import subprocess
import sys
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
