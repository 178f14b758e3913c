"""Book builds: asking for one, running it, failures, one at a time, stale builds, the command and
a real background worker.

The books are tiny (one or two short papers, no front matter lists) so that each build takes about
a second; the PDFs are real and read back with pypdf.
"""

import datetime
import io
import subprocess

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from proceedings import builds
from proceedings.models import BookBuild, BookEntry, Paper
from tests.factories import (
    RoundTableFactory,
    broken_paper,
    organiser,
    tiny_proceedings,
)
from tests.processes import ROOT, WORKER, worker_environment

# Whole books built, some by a task worker in a subprocess.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

Status = BookBuild.Status


def pdf_of(build):
    with build.pdf.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


@pytest.fixture
def chair(db):
    return organiser(username="chair")


# --- Asking for a build --------------------------------------------------------------------------


def test_a_requested_build_waits_in_the_queue_for_the_worker(
    chair, django_capture_on_commit_callbacks
):
    proceedings = tiny_proceedings()

    with django_capture_on_commit_callbacks(execute=True):
        build = builds.request_build(proceedings, chair)

    build.refresh_from_db()
    assert (build.status, build.stage, build.progress) == (Status.QUEUED, "waiting", 0)
    assert build.requested_by == chair
    task = DBTaskResult.objects.get(pk=build.task_id)
    assert task.task_path == "proceedings.builds.build_book"
    assert task.args_kwargs == {"args": [build.pk, "en"], "kwargs": {}}
    assert task.status == TaskResultStatus.READY
    assert proceedings.running_build() == build
    assert proceedings.current_build() is None


def test_the_task_is_queued_only_when_the_request_commits(
    chair, django_capture_on_commit_callbacks
):
    proceedings = tiny_proceedings()

    with django_capture_on_commit_callbacks() as callbacks:
        build = builds.request_build(proceedings, chair)
        assert not DBTaskResult.objects.exists()

    assert len(callbacks) == 1
    assert build.task_id == ""


def test_one_build_at_a_time(chair, django_capture_on_commit_callbacks):
    proceedings = tiny_proceedings()
    with django_capture_on_commit_callbacks(execute=True):
        first = builds.request_build(proceedings, chair)

    with pytest.raises(builds.AlreadyBuilding, match="already being built"):
        builds.request_build(proceedings, chair)

    assert list(proceedings.builds.all()) == [first]
    assert DBTaskResult.objects.count() == 1
    # Another round table's book is built meanwhile.
    assert builds.request_build(tiny_proceedings(), chair).status == Status.QUEUED


# --- Running it ----------------------------------------------------------------------------------


def test_a_build_stores_the_book_and_where_each_paper_stands(chair):
    proceedings = tiny_proceedings(papers=2)
    build = builds.request_build(proceedings, chair)

    build = builds.run(build)

    assert (build.status, build.stage, build.progress) == (Status.SUCCEEDED, "done", 100)
    assert build.error == ""
    assert build.started_at <= build.finished_at
    assert build.duration.total_seconds() > 0
    pdf = pdf_of(build)
    assert build.page_count == len(pdf.pages) >= 4
    entries = list(build.entries.order_by("number"))
    papers = list(Paper.objects.filter(event=proceedings.event).order_by("position"))
    assert [entry.paper for entry in entries] == papers
    assert [entry.number for entry in entries] == [1, 2]
    for entry in entries:
        assert 1 < entry.first_page <= entry.last_page <= build.page_count
        # A paper's first page carries its title.
        title = entry.paper.title_kk
        assert title[:20] in pdf.pages[entry.first_page - 1].extract_text()
    assert entries[0].last_page < entries[1].first_page
    assert proceedings.current_build() == build
    assert proceedings.running_build() is None


def test_a_failed_build_shows_the_error_and_keeps_the_previous_book(chair):
    proceedings = tiny_proceedings()
    good = builds.run(builds.request_build(proceedings, chair))
    good_pages = good.page_count
    good_pdf = good.pdf.name
    broken_paper(proceedings)

    failed = builds.run(builds.request_build(proceedings, chair))

    assert failed.status == Status.FAILED
    assert failed.finished_at is not None
    assert "could not be typeset" in failed.error
    assert "server log" in failed.error
    assert not failed.pdf
    assert not failed.entries.exists()
    # The book staff and readers download is still the good one, whole.
    assert proceedings.current_build() == good
    good.refresh_from_db()
    assert (good.pdf.name, good.page_count) == (good_pdf, good_pages)
    assert len(pdf_of(good).pages) == good_pages
    assert BookEntry.objects.filter(build=good).count() == 1
    # And a new build may be asked for at once.
    assert builds.request_build(proceedings, chair).status == Status.QUEUED


def test_a_build_that_is_no_longer_queued_is_not_run(chair):
    proceedings = tiny_proceedings()
    build = builds.request_build(proceedings, chair)
    BookBuild.objects.filter(pk=build.pk).update(status=Status.FAILED, error="stale")

    build = builds.run(build)

    assert (build.status, build.error, build.started_at) == (Status.FAILED, "stale", None)


def test_the_task_runs_the_build(chair):
    proceedings = tiny_proceedings()
    build = builds.request_build(proceedings, chair)

    assert builds.build_book.call(build.pk, "en") == Status.SUCCEEDED

    assert proceedings.current_build() == build


# --- Builds whose worker died --------------------------------------------------------------------


def test_a_build_without_a_sign_of_life_is_failed_when_a_new_one_is_asked_for(chair):
    proceedings = tiny_proceedings()
    stuck = builds.request_build(proceedings, chair)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.BOOK_BUILD_STALE_AFTER + 60)
    BookBuild.objects.filter(pk=stuck.pk).update(status=Status.RUNNING, started_at=long_ago)

    fresh = builds.request_build(proceedings, chair)

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert "stopped without finishing" in stuck.error
    assert stuck.finished_at is not None
    assert fresh.status == Status.QUEUED
    assert proceedings.running_build() == fresh


def test_a_build_whose_task_has_ended_is_failed_when_a_new_one_is_asked_for(
    chair, django_capture_on_commit_callbacks
):
    proceedings = tiny_proceedings()
    with django_capture_on_commit_callbacks(execute=True):
        stuck = builds.request_build(proceedings, chair)
    BookBuild.objects.filter(pk=stuck.pk).update(status=Status.RUNNING, started_at=timezone.now())
    # What the worker records when the process running the task is stopped hard.
    DBTaskResult.objects.filter(pk=stuck.task_id).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now()
    )

    fresh = builds.request_build(proceedings, chair)

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert fresh.status == Status.QUEUED


def test_a_build_that_is_alive_is_not_taken_for_stale(chair, django_capture_on_commit_callbacks):
    proceedings = tiny_proceedings()
    with django_capture_on_commit_callbacks(execute=True):
        running = builds.request_build(proceedings, chair)
    BookBuild.objects.filter(pk=running.pk).update(
        status=Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=5),
        progressed_at=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=running.task_id).update(status=TaskResultStatus.RUNNING)

    with pytest.raises(builds.AlreadyBuilding):
        builds.request_build(proceedings, chair)

    running.refresh_from_db()
    assert running.status == Status.RUNNING


# --- manage.py build_proceedings -----------------------------------------------------------------


def test_the_command_builds_the_book_and_writes_it(tmp_path):
    proceedings = tiny_proceedings()
    output = tmp_path / "book.pdf"
    out = io.StringIO()

    call_command("build_proceedings", proceedings.event.slug, output=output, stdout=out)

    build = proceedings.current_build()
    assert build.requested_by is None
    with build.pdf.open("rb") as stored:
        assert output.read_bytes() == stored.read()
    assert len(PdfReader(output).pages) == build.page_count
    assert f"{build.page_count} pages in " in out.getvalue()
    assert build.entries.count() == 1


def test_the_command_leaves_a_built_book_alone_when_asked_to():
    proceedings = tiny_proceedings()
    call_command("build_proceedings", proceedings.event.slug, "--unless-built", verbosity=0)
    assert proceedings.builds.count() == 1

    call_command("build_proceedings", proceedings.event.slug, "--unless-built", verbosity=0)

    assert proceedings.builds.count() == 1


def test_the_command_refuses_what_it_cannot_build(chair):
    proceedings = tiny_proceedings()
    without = RoundTableFactory()
    builds.request_build(proceedings, chair)

    with pytest.raises(CommandError, match="There is no round table nowhere"):
        call_command("build_proceedings", "nowhere")
    with pytest.raises(CommandError, match="has no proceedings yet"):
        call_command("build_proceedings", without.slug)
    with pytest.raises(CommandError, match="already being built"):
        call_command("build_proceedings", proceedings.event.slug)


def test_the_command_reports_a_failed_build():
    proceedings = tiny_proceedings()
    broken_paper(proceedings)

    with pytest.raises(CommandError, match="The book was not built: The book could not be"):
        call_command("build_proceedings", proceedings.event.slug)

    assert proceedings.builds.get().status == Status.FAILED


# --- The background worker -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_takes_up_a_requested_build_and_completes_it():
    """`manage.py db_worker`, a process of its own as in production, against the test database."""
    proceedings = tiny_proceedings()
    build = builds.request_build(proceedings, organiser(username="chair"))  # autocommit: queued
    assert DBTaskResult.objects.filter(pk=build.task_id).exists()

    worker = subprocess.run(
        [*WORKER, "--batch"],
        cwd=ROOT,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert worker.returncode == 0, worker.stderr
    build.refresh_from_db()
    assert build.status == Status.SUCCEEDED, build.error
    assert build.page_count == len(pdf_of(build).pages)
    assert build.entries.count() == 1
    task = DBTaskResult.objects.get(pk=build.task_id)
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, Status.SUCCEEDED)


@pytest.mark.django_db(transaction=True)
def test_a_build_queued_before_the_task_moved_to_builds_is_run_after_the_upgrade():
    """The task lived in proceedings/tasks.py: a build queued under that name before an upgrade
    is taken up by the new worker once the migrations have run, not left to be marked failed."""
    proceedings = tiny_proceedings()
    build = builds.request_build(proceedings, organiser(username="chair"))
    call_command("migrate", "proceedings", "0002", verbosity=0)  # the release before
    DBTaskResult.objects.filter(pk=build.task_id).update(task_path="proceedings.tasks.build_book")
    call_command("migrate", "proceedings", verbosity=0)

    worker = subprocess.run(
        [*WORKER, "--batch"],
        cwd=ROOT,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert worker.returncode == 0, worker.stderr
    build.refresh_from_db()
    assert build.status == Status.SUCCEEDED, build.error
