"""Settings for the test suite: production settings, served over plain HTTP, no static manifest."""

import os
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from config.local_services import (
    local_database_url,
    local_postgres_running,
    local_redis_running,
)

# Without DATABASE_URL or REDIS_URL, the checkout's own PostgreSQL and Redis, as in development;
# written into the environment, so that the processes tests start (manage.py, gunicorn) use them.
NOT_RUNNING = "this checkout's {} is not running: bash scripts/portal db-start (or set {})"
if not os.environ.get("DATABASE_URL"):
    if not local_postgres_running():
        raise SystemExit("error: " + NOT_RUNNING.format("PostgreSQL", "DATABASE_URL"))
    os.environ["DATABASE_URL"] = local_database_url()
if not os.environ.get("REDIS_URL") and not local_redis_running():
    raise SystemExit("error: " + NOT_RUNNING.format("Redis", "REDIS_URL"))
os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)
# The tests check the production settings, whatever DEBUG the shell that runs them has.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# pytest-xdist's worker (gw0, gw1, …) when the tests run in parallel (make test): each worker has
# its own test database (pytest-django adds the suffix), its own database of Redis and its own
# scratch directories below, so no worker clears or prunes what another one uses.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
# Uploaded papers of a test run go to a scratch directory of each worker (tests/conftest.py removes
# it). pytest-xdist's workers inherit the environment of the process that started them, which
# read these settings too: the directory is named per worker, and the processes a test starts
# (which inherit the worker's environment) find the same one.
SCRATCH_PAPERS = f"ROUNDTABLE_TEST_PAPERS_{WORKER}"
os.environ.setdefault(SCRATCH_PAPERS, tempfile.mkdtemp(prefix=f"roundtable-test-papers-{WORKER}-"))
os.environ["PAPERS_ROOT"] = os.environ[SCRATCH_PAPERS]

from config.settings import *  # noqa: E402, F403 (after the environment above)
from config.settings import CACHES, STATIC_ROOT, STORAGES, env_flag  # noqa: E402

# The tests' cache is database 1 of the site's Redis (REDIS_URL's server, or the local one), and
# 2, 3, … for the other xdist workers (scripts/portal runs at most 8): every test clears its own
# (tests/conftest.py), which never touches another worker's, nor the cache of a demo or site in
# database 0.
TESTS_REDIS_DATABASE = str(1 + WORKER)


def tests_redis_url(url):
    parts = urlsplit(url)
    if parts.scheme == "unix":  # the database is a parameter (urlunsplit would drop the "//")
        query = [(name, value) for name, value in parse_qsl(parts.query) if name != "db"]
        return f"unix://{parts.path}?{urlencode([*query, ('db', TESTS_REDIS_DATABASE)])}"
    return urlunsplit(parts._replace(path="/" + TESTS_REDIS_DATABASE))


CACHES = {
    "default": {**CACHES["default"], "LOCATION": tests_redis_url(CACHES["default"]["LOCATION"])}
}

# The book's cache of typeset papers (proceedings/book.py): outside the project's var/, one per
# worker. Entries are named by the hash of their content, so successive runs share it; tests that
# count cache hits, and the processes they start, name their own in BOOK_CACHE_DIR.
if "BOOK_CACHE_DIR" not in os.environ:
    BOOK_CACHE_DIR = Path(tempfile.gettempdir()) / f"roundtable-test-book-cache-{WORKER}"

# The production stack's test (tests/portal/test_faults.py) collects static files into a
# scratch directory, not into the checkout's var/static.
STATIC_ROOT = os.environ.get("STATIC_ROOT", STATIC_ROOT)

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Typeset certificates beside the papers, in the worker's scratch directory.
    "certificates": {
        **STORAGES["certificates"],
        "OPTIONS": {
            "location": Path(os.environ[SCRATCH_PAPERS]) / "certificates",
            "base_url": None,
        },
    },
}
# Hashing cost is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test client signs in without a request, which django-axes refuses; the tests of sign-in
# throttling switch it on (tests/config/test_security.py), and AXES_ENABLED=1 in the servers
# that tests start (tests/portal/test_shared_cache.py).
AXES_ENABLED = env_flag("AXES_ENABLED")
# Every cached page reads the versions, so that the query counts pinned in the tests are those of a
# hit after the freshness window; tests/portal/test_page_cache.py checks the window itself.
PAGE_CACHE_FRESHNESS = 0
MEDIA_ROOT = Path(os.environ[SCRATCH_PAPERS]) / "media"
