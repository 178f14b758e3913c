"""Settings for the test suite: production settings, served over plain HTTP, no static manifest."""

import os
import tempfile

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

from roundtable.settings import *  # noqa: F403
from roundtable.settings import STATIC_ROOT, STORAGES

# The production stack's test (tests/roundtable/test_faults.py) collects static files into a
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
# throttling (tests/roundtable/test_security.py) switch it on.
AXES_ENABLED = False
# Every cached page reads the versions, so that the query counts pinned in the tests are those of a
# hit after the freshness window; tests/roundtable/test_page_cache.py checks the window itself.
PAGE_CACHE_FRESHNESS = 0
