"""Which settings a command gets from its environment: production needs its own and says in one
line what is missing; a checkout with its local cluster runs in development mode by itself, as a
fresh shell after `make demo` does (README.md, Settings)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.local_services import local_postgres_running

# manage.py, pytest and gunicorn in fresh processes, as a shell runs them.
pytestmark = pytest.mark.slow

PRODUCTION_KEY = "a-production-secret-" + "q7Zp" * 12
needs_local_cluster = pytest.mark.skipif(
    not local_postgres_running(), reason="this checkout's PostgreSQL is not running"
)


def run(*command, **env):
    """Run `command` in the checkout as in a fresh shell: only PATH, HOME and `env`."""
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def manage(*args, **env):
    return run(sys.executable, "manage.py", *args, **env)


def assert_refused_in_one_line(result, message):
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"error: {message}"], result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="roundtable.example.kz",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", DATABASE_URL=os.environ["DATABASE_URL"])
    assert_refused_in_one_line(
        result,
        "Set SECRET_KEY in the environment for production (see README.md, Settings), "
        "or DEBUG=1 for development.",
    )


def test_production_refuses_to_start_without_a_database_url():
    result = manage("check", SECRET_KEY=PRODUCTION_KEY)
    assert_refused_in_one_line(
        result, "Set DATABASE_URL (postgres://user@host/name) in the environment for production."
    )


def test_gunicorn_refuses_production_without_its_settings_at_once_in_one_line():
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    result = run(
        gunicorn, "--config", "config/gunicorn.conf.py", "--bind", "127.0.0.1:0", DEBUG="0"
    )
    assert_refused_in_one_line(
        result,
        "Set SECRET_KEY in the environment for production (see README.md, Settings), "
        "or DEBUG=1 for development.",
    )


def test_development_without_a_database_says_how_to_start_the_local_one(tmp_path):
    """TMPDIR moves the local sockets away: as when the cluster is stopped."""
    result = manage("check", TMPDIR=str(tmp_path), DEBUG="1")
    assert_refused_in_one_line(
        result,
        "Set DATABASE_URL, or start this checkout's PostgreSQL: bash scripts/portal db-start",
    )


@needs_local_cluster
def test_a_checkout_with_its_local_cluster_runs_in_development_by_itself():
    result = manage(
        "shell",
        "--no-imports",
        "--command",
        "from django.conf import settings; from django.db import connection;"
        "connection.ensure_connection(); print(settings.DEBUG, connection.settings_dict['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "roundtable"]


@needs_local_cluster
def test_pytest_in_a_fresh_shell_finds_the_local_cluster():
    result = run(sys.executable, "-m", "pytest", "tests/test_dependencies.py", "-q")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pytest_says_in_one_line_to_start_the_local_cluster(tmp_path):
    result = run(sys.executable, "-m", "pytest", "tests/test_dependencies.py", TMPDIR=str(tmp_path))
    assert_refused_in_one_line(
        result,
        "this checkout's PostgreSQL is not running: bash scripts/portal db-start "
        "(or set DATABASE_URL)",
    )
