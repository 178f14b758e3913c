import os
import subprocess
import sys

from django.conf import settings


def manage(*args, **env):
    """Run manage.py in a fresh process with production settings: only `env` and the database."""
    inherited = {
        key: os.environ[key] for key in ("PATH", "HOME", "DATABASE_URL") if key in os.environ
    }
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-" + "q7Zp" * 12,
        ALLOWED_HOSTS="roundtable.example.kz",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr
