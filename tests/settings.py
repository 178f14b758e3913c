"""Settings for the test suite: production settings, served over plain HTTP, no static manifest."""

import os
import tempfile
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
# Uploaded papers of a test run go to a scratch directory (tests/conftest.py removes it).
os.environ.setdefault("PAPERS_ROOT", tempfile.mkdtemp(prefix="roundtable-test-papers-"))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The book's cache of typeset papers (proceedings/book.py): outside the project's var/. Entries are
# named by the hash of their content, so runs can share it; tests that count cache hits use their
# own tmp_path.
os.environ.setdefault(
    "BOOK_CACHE_DIR", os.path.join(tempfile.gettempdir(), "roundtable-test-book-cache")
)

from config.settings import *  # noqa: E402, F403 (after the environment above)
from config.settings import CACHES, STATIC_ROOT, STORAGES, env_flag  # noqa: E402

# The tests' cache is database 1 of the site's Redis (REDIS_URL's server, or the local one): every
# test clears it (tests/conftest.py), which never touches the cache of a demo or site in database 0.
TESTS_REDIS_DATABASE = "1"


def tests_redis_url(url):
    parts = urlsplit(url)
    if parts.scheme == "unix":  # the database is a parameter (urlunsplit would drop the "//")
        query = [(name, value) for name, value in parse_qsl(parts.query) if name != "db"]
        return f"unix://{parts.path}?{urlencode([*query, ('db', TESTS_REDIS_DATABASE)])}"
    return urlunsplit(parts._replace(path="/" + TESTS_REDIS_DATABASE))


CACHES = {
    "default": {**CACHES["default"], "LOCATION": tests_redis_url(CACHES["default"]["LOCATION"])}
}

# The production stack's test (tests/portal/test_faults.py) collects static files into a
# scratch directory, not into the checkout's var/static.
STATIC_ROOT = os.environ.get("STATIC_ROOT", STATIC_ROOT)

# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
