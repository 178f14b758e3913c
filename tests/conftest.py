import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from portal import page_cache
from tests import factories
from tests.demo import import_demo
from tests.letters import closed_port, smtp_mailers


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English unless they choose a language (URL prefix, header, override).

    Without this, code outside a request speaks the default language, Kazakh.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: pages and feeds cached under a data version that a
    rolled-back test reached too must not leak into the next one; nor those the process keeps in
    its own memory in front of the cache. The cache is the tests' own database of Redis
    (tests/settings.py), so this never empties a demo's cache."""
    cache.clear()
    page_cache.kept.clear()
    yield
    cache.clear()
    page_cache.kept.clear()


# The real one, before `page_periods_hold_still` replaces it.
REAL_PAGE_PERIOD = page_cache.PublicPage.period


@pytest.fixture(autouse=True)
def page_periods_hold_still(monkeypatch):
    """Pages that tell the time of day are kept a minute at most (`public_page(fresh_for=…)`):
    a test's requests of one page share it even across a minute's end, unless the test sets the
    clock (`clock`), which moves the minutes too."""
    monkeypatch.setattr(page_cache.PublicPage, "period", lambda public: "")


@pytest.fixture
def clock(monkeypatch):
    """Stops the server's clock (`django.utils.timezone.now`) at the moment given:
    `clock(datetime)`; call it again to move it."""
    monkeypatch.setattr(page_cache.PublicPage, "period", REAL_PAGE_PERIOD)

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def demo_event(db):
    """The real round table of 23 May 2025, imported from the demo fixture."""
    return import_demo()


@pytest.fixture(autouse=True, scope="session")
def scratch_papers():
    """Remove the papers uploaded during the run (tests/settings.py points PAPERS_ROOT there)."""
    yield
    shutil.rmtree(settings.STORAGES["papers"]["OPTIONS"]["location"], ignore_errors=True)


@pytest.fixture
def mail_server_down(settings):
    """Letters go by SMTP to a local port nobody listens on: each attempt is refused, for real."""
    settings.MAILERS = smtp_mailers(closed_port())


# --- The roles permission tests ask about (tests/roles.py builds one per role by name) ---------


@pytest.fixture
def organiser(db):
    """Staff in the organisers' group, as organisers are made on the site."""
    return factories.organiser("aigerim")


@pytest.fixture
def staff(db):
    """Staff outside the organisers' group: no rights over round tables' content."""
    return factories.staff("guest")


@pytest.fixture
def superuser(db):
    return factories.superuser(username="root")


@pytest.fixture
def speaker(db):
    """An account linked to a person of the roster, as an invitation leaves a speaker."""
    return factories.speaker("serik")


@pytest.fixture
def other_speaker(db):
    return factories.speaker("dana")
