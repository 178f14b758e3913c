"""One cache for the whole site (portal/shared_cache.py): two app servers count one upload limit
and one sign-in lockout between them, and a Redis that goes away for a while costs cached pages,
never a page.

The servers are real gunicorns (one worker each) on the test database and the tests' Redis; a
Redis that goes away is a throwaway one of the test's own, stopped and started again, or paused.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.error import HTTPError

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from portal import page_cache
from tests import factories
from tests.config.test_settings import manage
from tests.factories import PASSWORD, RoundTableFactory
from tests.portal.test_faults import free_port, server_answers, wait_for
from tests.proceedings import view_factories as make
from tests.processes import ROOT, stop, worker_environment

# Servers and Redis instances of their own, in subprocesses.
pytestmark = pytest.mark.slow

# --- Two app servers -----------------------------------------------------------------------------


def gunicorn(**env):
    """A real gunicorn on the test database and the tests' Redis, at its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **worker_environment(),
            "REDIS_URL": settings.CACHES["default"]["LOCATION"],
            "ALLOWED_HOSTS": "127.0.0.1",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return f"http://127.0.0.1:{port}", process


@pytest.fixture
def two_servers(transactional_db):
    """Two app servers of one site, sign-in throttling on: two failures lock a name, two uploads a
    day are allowed."""
    started = [
        gunicorn(AXES_ENABLED="1", AXES_FAILURE_LIMIT="2", UPLOAD_RATE_LIMIT="2/d")
        for _ in range(2)
    ]
    try:
        for base, _ in started:
            wait_for(lambda base=base: server_answers(base), timeout=60)
        yield [base for base, _ in started]
    finally:
        for _, process in started:
            stop(process)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser behind the site's reverse proxy: HTTPS as far as the servers know (the proxy says
    so in X-Forwarded-Proto), so they send secure cookies, which it keeps for both (cookies do not
    tell ports apart)."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, url, data=None, **headers):
        """(status, body) of a GET, or of a POST of the form `data` with the CSRF token."""
        headers["X-Forwarded-Proto"] = "https"
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if data is not None:
            data = urllib.parse.urlencode(data).encode()
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Referer"] = url.replace("http://", "https://", 1)
        try:
            with self.opener.open(urllib.request.Request(url, data, headers), timeout=20) as answer:
                return self.answered(answer)
        except HTTPError as error:
            return self.answered(error)

    def answered(self, answer):
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.update(
                {name: morsel.value for name, morsel in SimpleCookie(header).items()}
            )
        return answer.status, answer.read().decode()

    def sign_in(self, base, username, password):
        login = base + reverse("login")
        if "csrftoken" not in self.cookies:
            self.request(login)
        return self.request(login, {"username": username, "password": password})


def test_two_servers_count_one_upload_limit_and_one_sign_in_lockout(two_servers):
    first, second = two_servers
    serik = factories.speaker("serik")
    paper = make.paper_of(serik, RoundTableFactory())
    factories.speaker("asel")

    # Two wrong passwords, one on each server, lock the name on both.
    asel = Visitor()
    assert asel.sign_in(first, "asel@example.kz", "wrong")[0] == 200
    assert asel.sign_in(second, "asel@example.kz", "wrong")[0] == 429
    status, page = asel.sign_in(first, "asel@example.kz", PASSWORD)
    assert status == 429
    assert "Too many failed sign-ins" in page

    # Two uploads a day, one on each server: the third is refused, wherever it goes.
    browser = Visitor()
    assert browser.sign_in(first, "serik@example.kz", PASSWORD)[0] == 302
    upload = reverse("proceedings:upload", kwargs={"pk": paper.pk})
    answers = [
        browser.request(base + upload, {}, Accept="application/json")
        for base in (first, second, first, second)
    ]
    assert [status for status, _ in answers] == [400, 400, 429, 429]
    assert "Choose the file of your paper" in answers[0][1]
    assert "too often" in answers[2][1]


# --- Redis away for a while ----------------------------------------------------------------------


@pytest.fixture
def throwaway_redis():
    """A Redis of this test's own on a Unix socket: stopped, started, paused (it takes connections
    and answers nothing) and resumed at will."""
    redis_server = shutil.which("redis-server")
    if not redis_server:
        pytest.skip("redis-server is not installed")
    directory = Path(tempfile.mkdtemp(prefix="rt-redis-"))
    socket = directory / "redis.sock"
    command = [redis_server, "--port", "0", "--unixsocket", str(socket), "--save", ""]
    command += ["--dir", str(directory)]

    class Redis:
        url = f"unix://{socket}"

        def start(self):
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, start_new_session=True
            )
            wait_for(socket.exists, timeout=10, step=0.02)

        def stop(self):
            stop(self.process)
            socket.unlink(missing_ok=True)

        def pause(self):
            self.process.send_signal(signal.SIGSTOP)

        def resume(self):
            self.process.send_signal(signal.SIGCONT)

    redis = Redis()
    redis.start()
    yield redis
    redis.resume()
    redis.stop()
    shutil.rmtree(directory, ignore_errors=True)


def cache_at(redis, retry_after):
    return {
        "default": {**settings.CACHES["default"], "LOCATION": redis.url, "RETRY_AFTER": retry_after}
    }


@pytest.mark.django_db
def test_while_redis_is_away_pages_are_made_afresh_and_uploads_go_unlimited(
    client, throwaway_redis, caplog
):
    event = RoundTableFactory()
    page = f"/ru/{event.slug}/"
    serik = factories.speaker("serik")
    paper = make.paper_of(serik, event)
    upload = reverse("proceedings:upload", kwargs={"pk": paper.pk})
    # RETRY_AFTER=0: every call tries Redis, so it is used again as soon as it is back.
    with override_settings(CACHES=cache_at(throwaway_redis, 0), UPLOAD_RATE_LIMIT="1/d"):
        assert client.get(page).status_code == 200

        throwaway_redis.stop()
        page_cache.kept.clear()  # as in another process: not in this one's memory
        away = client.get(page)
        assert away.status_code == 200
        assert event.theme_ru in away.text
        assert "The shared cache (Redis) is unreachable" in caplog.text
        # The limit cannot be counted: uploads go on rather than being refused as "too often".
        client.force_login(serik)
        assert [client.post(upload, {}).status_code for _ in range(2)] == [302, 302]
        client.logout()

        throwaway_redis.start()
        assert client.get(page).status_code == 200
        client.force_login(serik)
        assert [client.post(upload, {}).status_code for _ in range(2)] == [302, 429]


@pytest.mark.django_db
def test_a_redis_that_answers_nothing_costs_one_time_out_and_one_warning(
    client, throwaway_redis, caplog
):
    event = RoundTableFactory()
    page = f"/ru/{event.slug}/"
    with override_settings(CACHES=cache_at(throwaway_redis, 60)):
        assert client.get(page).status_code == 200
        throwaway_redis.pause()
        started = time.monotonic()
        answers = []
        for _ in range(3):
            page_cache.kept.clear()  # each as in another process, which asks Redis
            answers.append(client.get(page))
        took = time.monotonic() - started

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    # One socket time-out (a second), not one for each of the pages' cache calls.
    assert 1 <= took < 4
    warnings = [record for record in caplog.records if record.name == "portal.shared_cache"]
    assert len(warnings) == 1


# --- The local Redis ------------------------------------------------------------------------------


@pytest.mark.skipif("REDIS_URL" in os.environ, reason="the tests run on the Redis of REDIS_URL")
def test_without_redis_url_the_settings_find_the_redis_that_scripts_portal_started():
    result = manage(
        "shell",
        "-c",
        "import redis; from django.conf import settings; "
        "print(redis.Redis.from_url(settings.CACHES['default']['LOCATION']).ping())",
        DEBUG="1",
        **{name: os.environ[name] for name in ("TMPDIR",) if name in os.environ},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_sites_of_two_databases_on_one_redis_never_read_each_other_s_pages():
    """Cache keys hold ids and data versions, which two databases share (the demo and the load
    benchmark's copy of it): the database's name keeps their entries apart."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])

    def shell(database, code):
        result = manage(
            "shell",
            "-c",
            f"from django.core.cache import cache; {code}",
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=urllib.parse.urlunsplit(url._replace(path=f"/{database}")),
            # This xdist worker's own database of Redis (tests/settings.py), which no other
            # worker clears between the two shells.
            **{
                name: os.environ[name]
                for name in ("TMPDIR", "PYTEST_XDIST_WORKER")
                if name in os.environ
            },
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    shell("demo", "cache.set('rt:1:1:ru:event', 'the demo'); print()")
    assert shell("copy", "print(cache.get('rt:1:1:ru:event'))") == "None"
    assert shell("demo", "print(cache.get('rt:1:1:ru:event'))") == "the demo"
