"""Browser tests: a headless Chromium driven by Playwright against pytest-django's live server.

Fixtures for the tests in this directory:

- ``browser``: one Chromium for the whole session (Debian's, never a downloaded one);
- ``page``: a fresh browser context and page per test, Kazakh locale, ``base_url`` set to the live
  server so ``page.goto("/kk/...")`` works; a screenshot is saved to
  ``var/test-results/<test name>.png`` when the test fails;
- ``demo_site``: the live server's URL with the demo round table (slug ``public-safety-2025``)
  imported.

Every test collected here gets the ``e2e`` and ``slow`` markers (``pytest -m "not e2e"`` leaves
them out, and so does ``make test-fast``).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.demo import import_demo

# Playwright's sync API drives its own asyncio event loop in the test's thread, so while a browser
# is open Django sees a "running event loop" there and refuses ORM calls made by the tests and
# fixtures (SynchronousOnlyOperation). No coroutine ever touches the database here: the check is a
# false alarm, so it is switched off for this process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root (CI containers)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # tryfirst: the marker must be there before `-m` deselects.
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # A failed test's page is still open here (fixtures are torn down later): photograph it and
    # name the file in the failure report.
    report = yield
    page = item.funcargs.get("page") if report.when == "call" and report.failed else None
    if page is not None:
        path = screenshot_path(item.config.rootpath, item.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=path, full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            report.sections.append(("e2e screenshot", f"could not save {path}: {error}"))
        else:
            report.sections.append(("e2e screenshot", str(path)))
    return report


def screenshot_path(rootpath: Path, test_name: str) -> Path:
    # Parametrised names carry brackets and arbitrary ids: keep the file name portable.
    return rootpath / "var" / "test-results" / (re.sub(r"[^\w.-]+", "_", test_name) + ".png")


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Browser:
    executable = chromium_path()
    if not executable or not Path(executable).is_file():
        where = (
            f"CHROMIUM_PATH={executable!r} is not a file"
            if os.environ.get("CHROMIUM_PATH")
            else "no `chromium` on PATH and CHROMIUM_PATH is not set"
        )
        pytest.fail(
            f"Chromium not found ({where}): the browser tests need it. "
            "Run `make test`, which installs it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(locale="kk-KZ", base_url=live_server.url)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_site(live_server, transactional_db) -> str:
    """The live server's URL, serving the published demo round table `public-safety-2025`."""
    import_demo()
    return live_server.url
