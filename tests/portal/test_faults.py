"""Faults, with real processes: the database restarted under a running gunicorn and under the
whole production stack (`scripts/portal serve`), a process of that stack killed, a task worker
killed (SIGKILL) or stopped (SIGTERM) in the middle of a book build, and a disk that fills up
during an upload.

The database is restarted in a throwaway PostgreSQL cluster of the test's own (never the one the
suite shares); the disk is a tiny tmpfs when the machine lets us mount one.
"""

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from proceedings import builds
from proceedings.models import BookBuild, PaperVersion
from tests import factories
from tests.factories import RoundTableFactory, organiser, tiny_proceedings
from tests.proceedings import view_factories as make
from tests.processes import ROOT, WORKER, running_in, stop, worker_environment

# Each test runs the production stack or a cluster of its own in subprocesses.
pytestmark = pytest.mark.slow


def pg_bin(name):
    found = shutil.which(name) or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip(f"PostgreSQL's {name} is not installed")
    return str(found if isinstance(found, str) else found[-1])


def as_pg_owner(command, **kwargs):
    """Run a PostgreSQL server command; as root, as the `postgres` user (it refuses root)."""
    if os.getuid() == 0:
        # runuser lives in sbin, which the PATH of a fresh shell may lack.
        runuser = shutil.which("runuser", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
        command = [runuser, "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, timeout=60, **kwargs)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=10):
    """(status, body) of a GET, errors included."""
    try:
        with urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {condition}")


def server_of_tests():
    """Host (or socket directory), port, user and password of the test database's server."""
    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    return host, str(db["OPTIONS"].get("port") or db["PORT"] or ""), db["USER"], db["PASSWORD"]


def pg_client(*args):
    """A PostgreSQL client command on the test database, and its environment."""
    host, port, user, password = server_of_tests()
    command = [*args, "-U", user, *(["-h", host] if host else []), *(["-p", port] if port else [])]
    return [*command, connection.settings_dict["NAME"]], {
        **os.environ,
        "PGPASSWORD": password or "",
    }


def environment(**env):
    # PYTEST_XDIST_WORKER: the stack uses this worker's database of Redis (tests/settings.py).
    names = ("PATH", "HOME", "LANG", "PYTEST_XDIST_WORKER")
    inherited = {key: os.environ[key] for key in names if key in os.environ}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PAPERS_ROOT": str(settings.STORAGES["papers"]["OPTIONS"]["location"]),
        **env,
    }


# --- The database restarted under traffic ---------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster on its own socket directory, stopped and started at will."""

    def __init__(self, directory):
        self.data = directory / "data"
        self.socket = directory / "socket"
        self.socket.mkdir()
        if os.getuid() == 0:
            shutil.chown(directory, "postgres")
            shutil.chown(self.socket, "postgres")

    def create(self):
        as_pg_owner(
            [pg_bin("initdb"), f"--pgdata={self.data}", "--username=roundtable", "--auth=trust"]
        )
        self.start()

    def start(self):
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c fsync=off"
        as_pg_owner(
            [
                pg_bin("pg_ctl"),
                "start",
                f"--pgdata={self.data}",
                "--wait",
                "-o",
                options,
                f"--log={self.data}/server.log",
            ]
        )

    def stop(self):
        as_pg_owner([pg_bin("pg_ctl"), "stop", f"--pgdata={self.data}", "--mode=fast", "--wait"])

    def running(self):
        try:
            as_pg_owner([pg_bin("pg_ctl"), "status", f"--pgdata={self.data}"])
        except subprocess.CalledProcessError:
            return False
        return True

    def url(self, name):
        return f"postgres://roundtable@/{name}?host={self.socket}"

    def query(self, sql, name="faults"):
        """The first value `sql` selects in database `name`."""
        psql = [pg_bin("psql"), "-h", str(self.socket), "-U", "roundtable", "-d", name, "-tAc"]
        return subprocess.run(
            [*psql, sql], check=True, capture_output=True, text=True
        ).stdout.strip()


@pytest.fixture(scope="module")
def throwaway_cluster(django_db_setup):
    """A throwaway cluster holding a copy of the test database (schema and all)."""
    directory = Path(tempfile.mkdtemp(prefix="rt-faults-pg-"))
    directory.chmod(0o755)
    cluster = Cluster(directory)
    cluster.create()
    command, env = pg_client(pg_bin("pg_dump"), "--no-owner")
    dump = subprocess.run(
        command,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    psql = [pg_bin("psql"), "-h", str(cluster.socket), "-U", "roundtable", "-q"]
    subprocess.run([*psql, "-d", "postgres", "-c", "CREATE DATABASE faults"], check=True)
    subprocess.run(
        [*psql, "-d", "faults", "-v", "ON_ERROR_STOP=1"], input=dump, check=True, timeout=60
    )
    yield cluster
    with contextlib.suppress(subprocess.CalledProcessError):
        cluster.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def cluster(throwaway_cluster):
    """The throwaway cluster, running again after the test whatever the test did to it."""
    yield throwaway_cluster
    if not throwaway_cluster.running():
        throwaway_cluster.start()


@pytest.fixture
def server(cluster):
    """A real gunicorn (the production configuration file, one worker) on the throwaway cluster."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment(
            DATABASE_URL=cluster.url("faults"),
            SECRET_KEY="faults-" + "s" * 50,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="1",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server_answers(base), timeout=30)
        yield base, process
    finally:
        stop(process)


def server_answers(base):
    try:
        return fetch(base + "/healthz", timeout=2)[0] == 200
    except OSError:
        return False


# The cluster copies the test database, which only a test that asks for it has created.
@pytest.mark.django_db
def test_a_database_restart_gives_a_friendly_503_and_the_server_recovers_by_itself(cluster, server):
    base, process = server
    assert fetch(base + "/ru/")[0] == 200
    assert fetch(base + "/healthz") == (200, '{"status": "ok"}')

    cluster.stop()
    started = time.monotonic()
    status, page = fetch(base + "/ru/")
    assert time.monotonic() - started < 5
    assert status == 503
    assert '<html lang="ru">' in page
    assert "<h1>" in page
    assert fetch(base + "/healthz") == (503, '{"status": "unavailable"}')

    cluster.start()
    assert fetch(base + "/ru/")[0] == 200
    assert fetch(base + "/healthz")[0] == 200
    assert process.poll() is None  # the same server, never restarted


# --- The production stack: scripts/portal serve ---------------------------------------------------


@pytest.fixture
def stack(cluster, tmp_path):
    """`bash scripts/portal serve` on the throwaway cluster, in a session of its own; its log."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        script = subprocess.Popen(
            ["bash", "scripts/portal", "serve"],
            cwd=ROOT,
            env=environment(
                DATABASE_URL=cluster.url("faults"),
                SECRET_KEY="faults-" + "s" * 50,
                ALLOWED_HOSTS="127.0.0.1",
                HOST="127.0.0.1",
                PORT=str(port),
                WEB_CONCURRENCY="1",
                STATIC_ROOT=str(tmp_path / "static"),
                BOOK_CACHE_DIR=str(tmp_path / "cache"),
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    script.base = f"http://127.0.0.1:{port}"
    script.log = log
    try:
        wait_for(lambda: server_answers(script.base), timeout=120, step=0.5)
        yield script
    finally:
        stop(script)


def part_of(script, name):
    """The pid of the stack's `db_worker` or `gunicorn` (its master)."""
    [pid] = [
        process.pid
        for process in running_in(script.pid)
        if process.parent == script.pid and name in process.command
    ]
    return pid


REQUEST_A_BUILD = """
from proceedings import builds
from tests.factories import tiny_proceedings
print(builds.request_build(tiny_proceedings(papers=2), None).pk)
"""


# The cluster copies the test database, which only a test that asks for it has created.
@pytest.mark.django_db
def test_the_stack_rides_out_a_database_restart_and_its_worker_builds_books_after_it(
    cluster, stack
):
    worker = part_of(stack, "db_worker")
    cluster.stop()
    assert fetch(stack.base + "/ru/")[0] == 503
    # The worker looks for tasks every second: it meets the outage, then tries again after 1 s.
    wait_for(lambda: "The database is unavailable" in stack.log.read_text(), timeout=30)
    time.sleep(3)
    assert stack.poll() is None

    cluster.start()
    assert fetch(stack.base + "/ru/")[0] == 200
    requested = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REQUEST_A_BUILD],
        cwd=ROOT,
        env=environment(DATABASE_URL=cluster.url("faults"), SECRET_KEY="faults-" + "s" * 50),
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    build = int(requested.stdout.split()[-1])
    status = f"SELECT status FROM proceedings_bookbuild WHERE id = {build}"
    wait_for(lambda: cluster.query(status) in {"succeeded", "failed"}, timeout=60, step=0.5)
    assert cluster.query(status) == "succeeded"
    assert part_of(stack, "db_worker") == worker  # the same worker, never restarted
    assert stack.poll() is None
    log = stack.log.read_text()
    assert log.count("The database is unavailable") == 1, log  # once per outage, not per try
    assert log.count("The database is back") == 1, log


@pytest.mark.parametrize("name", ["db_worker", "gunicorn"])
def test_when_a_process_of_the_stack_dies_the_whole_stack_stops_as_a_failure(stack, name):
    os.kill(part_of(stack, name), signal.SIGKILL)
    assert stack.wait(60) != 0  # for the supervisor to restart it
    wait_for(lambda: not running_in(stack.pid), timeout=15)


# --- A worker killed during a book build ----------------------------------------------------------


# Enough papers that the worker's pool typesets for a second or two: the signal the tests send
# once it runs must land before it ends, even on a loaded machine.
BUSY_PAPERS = 16


def start_worker_on_a_build(proceedings, cache):
    """A task worker (a process of its own, its own session) typesetting a build of
    `proceedings` in its pool; the worker and the build."""
    worker = subprocess.Popen(
        [*WORKER, "--no-startup-delay", "--interval", "0.1", "--verbosity", "0"],
        cwd=ROOT,
        # An empty cache of typeset papers: the build has to typeset them all, which takes a while.
        env={**worker_environment(), "BOOK_CACHE_DIR": str(cache), "BOOK_BUILD_HEARTBEAT": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        build = builds.request_build(proceedings, None)
        # Typesetting the papers, in its pool: not a fork made before the build began or after.
        typesetting = BookBuild.objects.filter(
            pk=build.pk, status=BookBuild.Status.RUNNING, stage=BookBuild.Stage.PAPERS
        )
        wait_for(
            lambda: typesetting.exists() and typesetting_processes(worker), timeout=30, step=0.02
        )
    except BaseException:
        stop(worker)
        raise
    return worker, build


def typesetting_processes(worker):
    """The worker's forks (the command line they inherit tells them from, say, an ldconfig that a
    library runs on import)."""
    processes = {process.pid: process for process in running_in(worker.pid)}
    command = processes[worker.pid].command if worker.pid in processes else None
    return [
        process
        for process in processes.values()
        if process.parent == worker.pid and process.command == command
    ]


@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_is_killed_fails_and_the_last_good_book_stays(client, tmp_path):
    proceedings = tiny_proceedings(papers=BUSY_PAPERS)
    good = builds.build_now(proceedings)
    assert good.status == BookBuild.Status.SUCCEEDED
    with good.pdf.open("rb") as stored:
        good_pdf = stored.read()

    worker, doomed = start_worker_on_a_build(proceedings, tmp_path / "cache")
    try:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(5)
        # Its typesetting processes die with it: none is left holding its memory.
        wait_for(lambda: not running_in(worker.pid), timeout=5)
    finally:
        stop(worker)
    doomed.refresh_from_db()
    assert doomed.status == BookBuild.Status.RUNNING  # nobody is left to say otherwise

    client.force_login(organiser(username="chair"))
    status = reverse("admin:proceedings_proceedings_build_status", args=[proceedings.pk])
    with override_settings(BOOK_BUILD_HEARTBEAT=1):
        state = wait_for(lambda: failed_state(client, status), timeout=10, step=0.5)
    assert state["build"]["id"] == doomed.pk
    assert "stopped without finishing" in state["build"]["error"]
    assert state["book"]["url"].endswith(f"/builds/{good.pk}/book.pdf")
    book = client.get(state["book"]["url"])
    assert book.status_code == 200
    assert b"".join(book.streaming_content) == good_pdf
    assert proceedings.current_build() == good


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_during_a_build_ends_it_as_interrupted_at_once_and_leaves_nothing(
    tmp_path,
):
    proceedings = tiny_proceedings(papers=BUSY_PAPERS)
    # The stop is sent once the worker's pool is seen typesetting; on a loaded machine the build
    # may still end before the signal is handled (seen on clean-clone CI runs, never here): then
    # the stop came too late to test anything, and a new build is stopped instead.
    for attempt in range(3):
        worker, doomed = start_worker_on_a_build(proceedings, tmp_path / f"cache-{attempt}")
        try:
            os.kill(worker.pid, signal.SIGTERM)  # as a supervisor stops it: the worker alone
            started = time.monotonic()
            assert worker.wait(20) == 0
            stopped_after = time.monotonic() - started
            left = running_in(worker.pid)
        finally:
            stop(worker)
        doomed.refresh_from_db()
        if doomed.status != BookBuild.Status.SUCCEEDED:
            break
        BookBuild.objects.filter(pk=doomed.pk).delete()
    assert left == []
    assert stopped_after < 10  # not the rest of the build
    assert doomed.status == BookBuild.Status.FAILED
    assert doomed.error == (
        "The build was interrupted: its worker was stopped. Build the book again."
    )
    assert proceedings.current_build() is None


def failed_state(client, url):
    state = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    return state if state["build"]["status"] == BookBuild.Status.FAILED else None


# --- A full disk during an upload -----------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path, monkeypatch):
    """The papers' storage on a 256 KiB tmpfs, when mounting is allowed (root, no sandbox)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode().strip())
    monkeypatch.setattr(PaperVersion._meta.get_field("file").storage, "location", str(mount))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


@pytest.mark.django_db
def test_a_full_disk_refuses_the_upload_clearly_and_keeps_the_previous_version(client, tiny_disk):
    serik = factories.speaker("serik")
    paper = make.paper_of(serik, RoundTableFactory())
    first = make.upload(paper, serik, make.pdf_file("First.pdf"))
    with first.file.open("rb") as stored:
        first_content = stored.read()
    # Fill the disk, then free a few kilobytes: less than the next version needs.
    filler = tiny_disk / "filler"
    with pytest.raises(OSError) as full, filler.open("wb", buffering=0) as disk:
        while True:
            disk.write(b"\0" * 4096)
    assert full.value.errno == errno.ENOSPC
    os.truncate(filler, filler.stat().st_size - 8 * 1024)
    second = make.pdf_bytes(pages=300)
    assert len(second) > 16 * 1024
    files_before = {path.name for path in tiny_disk.rglob("*")}
    client.force_login(serik)

    response = client.post(
        reverse("proceedings:upload", kwargs={"pk": paper.pk}),
        {"file": SimpleUploadedFile("Second.pdf", second)},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "The server has no room to store your file just now. Your paper is unchanged: try again "
        "later, and tell the organisers if it happens again."
    ]
    paper.refresh_from_db()
    assert paper.current_version == first
    assert paper.versions.count() == 1
    assert {path.name for path in tiny_disk.rglob("*")} == files_before  # no partial file left
    with paper.current_version.file.open("rb") as stored:
        assert stored.read() == first_content
