"""Building the proceedings book: asking for a build, running it, and what a build leaves behind.

A build is a `BookBuild` row that moves queued → running → succeeded or failed. Staff ask for one
(`request_build`, from the admin) and a background worker runs it (the task `build_book` calls
`run`); `manage.py build_proceedings` asks and runs in one go (`build_now`).

At most one build per proceedings is queued or running at a time: the database enforces it, and
asking for a second one raises `AlreadyBuilding`. A build whose worker died would block the book
for good, so a build that has shown no sign of life for too long, or whose task has ended while
the build still says it runs, is marked failed before a new one is created and whenever its status
is asked for. A running build's worker notes that it lives every `BOOK_BUILD_HEARTBEAT` seconds (a
thread beside the typesetting): a worker killed outright (SIGKILL, out of memory, the machine gone)
leaves its task "running" in the queue, and is found out after three missed beats. A queued build
that no worker takes up counts as dead after `BOOK_BUILD_STALE_AFTER` seconds.

A failure never replaces good data: the PDF, the page ranges and the papers' offprints (cut from
the PDF once, here, with their source lines) of a build are stored together, in one transaction,
only when the book came out whole; the last successful build stays the book
(`Proceedings.current_build`) until a newer one succeeds.

A build is of one variant (`BookBuild.Variant`): the screen book readers get, the print book for
the printing house, or the archive copy. Only screen builds become the book; the others are kept
in the history for staff to download.
"""

import logging
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.tasks import task
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from proceedings import book, offprints
from proceedings.models import BookBuild, BookEntry

logger = logging.getLogger(__name__)

Status = BookBuild.Status
Stage = BookBuild.Stage

# The progress bar polls about once a second; saving the progress more often only loads the
# database.
PROGRESS_INTERVAL = 0.5
ONE_ACTIVE_BUILD = "one_active_book_build"


class AlreadyBuilding(Exception):
    """A build of these proceedings is queued or running: there is one at a time."""

    def __init__(self):
        super().__init__(gettext_lazy("This book is already being built: wait until it ends."))


def request_build(proceedings, user, variant=BookBuild.Variant.SCREEN):
    """A queued build of `proceedings` in `variant`, handed to the task backend once the
    transaction commits."""
    build = new_build(proceedings, user, variant)
    transaction.on_commit(partial(enqueue, build, translation.get_language()))
    return build


def build_now(proceedings, user=None, variant=BookBuild.Variant.SCREEN):
    """Build `proceedings` here and now, without the task queue; returns the finished build."""
    build = new_build(proceedings, user, variant)
    return run(build)


def new_build(proceedings, user, variant):
    """A queued build, after failing a stale one; AlreadyBuilding while another is active."""
    fail_stale(proceedings)
    try:
        with transaction.atomic():
            return BookBuild.objects.create(
                proceedings=proceedings, requested_by=user, variant=variant
            )
    except IntegrityError as error:
        if constraint_of(error) == ONE_ACTIVE_BUILD:
            raise AlreadyBuilding from error
        raise


def constraint_of(error):
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def enqueue(build, language):
    """Hand `build` to the task backend and note its task; a refusal fails the build at once."""
    try:
        result = build_book.enqueue(build.pk, language)
    except Exception as error:
        logger.exception("Book build %s could not be queued", build.pk)
        finish_failed(build, describe(error))
        return
    build.task_id = result.id
    BookBuild.objects.filter(pk=build.pk).update(task_id=result.id)


# --- Stale builds ---------------------------------------------------------------------------------


def fail_stale(proceedings):
    """Mark the active build of `proceedings` failed if its worker is gone."""
    build = proceedings.running_build()
    if build is not None:
        fail_if_stale(build)


def fail_if_stale(build):
    """Mark `build` failed if it is queued or running but will never end; whether it was."""
    if not is_stale(build):
        return False
    logger.warning("Book build %s shows no sign of life: marked failed", build.pk)
    finish_failed(
        build,
        gettext(
            "The build stopped without finishing: its worker was stopped, or no worker took it "
            "up. Build the book again."
        ),
    )
    return True


def is_stale(build):
    """Whether an active build will never end by itself.

    Its task has ended (or is gone) while the build still says it is queued or running, or the
    build has missed three heartbeats while running, or waited in the queue for longer than
    BOOK_BUILD_STALE_AFTER.
    """
    if build.status not in BookBuild.ACTIVE:
        return False
    if task_has_ended(build):
        return True
    if build.status == Status.RUNNING:
        last_sign_of_life = build.progressed_at or build.started_at
        limit = timedelta(seconds=3 * settings.BOOK_BUILD_HEARTBEAT)
    else:
        last_sign_of_life = build.requested_at
        limit = timedelta(seconds=settings.BOOK_BUILD_STALE_AFTER)
    return timezone.now() - last_sign_of_life > limit


def task_has_ended(build):
    """Whether the backend says the build's task is over; False when the backend cannot tell."""
    backend = build_book.get_backend()
    if not build.task_id or not backend.supports_get_result:
        return False
    try:
        result = build_book.get_result(build.task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return True
    return result.is_finished


# --- Running a build ------------------------------------------------------------------------------


@task
def build_book(build_id, language=None):
    """Run the queued book build `build_id` (the background worker's task); `language` words its
    error for the staff who asked.

    Returns the status the build ended with, which the task backend keeps as the task's result.
    """
    return run(BookBuild.objects.get(pk=build_id), language=language).status


def run(build, *, language=None):
    """Typeset the book of a queued `build` and store the PDF and page ranges, or the error.

    `language` words the error for the staff who asked (the worker has no request to take it
    from). A build that is no longer queued (failed as stale meanwhile, or already taken by another
    worker) is left alone. Returns the build as it ended.
    """
    claimed = BookBuild.objects.filter(pk=build.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, stage=Stage.COLLECTING, progress=0, started_at=timezone.now()
    )
    build.refresh_from_db()
    if not claimed:
        logger.warning("Book build %s is %s, not queued: not run", build.pk, build.status)
        return build
    try:
        progress = Progress(build)
        with Heartbeat(build):
            made = book.build(build.proceedings, variant=build.variant, report=progress)
        progress(Stage.SAVING, 100)
        store(build, made)
    except BaseException as error:
        logger.exception("Book build %s of “%s” failed", build.pk, build.proceedings)
        with translation.override(language or translation.get_language()):
            finish_failed(build, describe(error))
        if not isinstance(error, Exception):
            raise  # the worker is being stopped: let it stop
    build.refresh_from_db()
    return build


class Progress:
    """The `report` callback of `book.build`: saves stage and progress for the admin's bar.

    A plain UPDATE of those two fields, at each new stage and otherwise at most every
    PROGRESS_INTERVAL seconds.
    """

    def __init__(self, build):
        self.build_id = build.pk
        self.stage = None
        self.saved_at = 0.0

    def __call__(self, stage, progress):
        progress = max(0, min(100, int(progress)))
        now = time.monotonic()
        if stage == self.stage and now - self.saved_at < PROGRESS_INTERVAL:
            return
        BookBuild.objects.filter(pk=self.build_id).update(
            stage=stage, progress=progress, progressed_at=timezone.now()
        )
        self.stage, self.saved_at = stage, now


class Heartbeat:
    """While a build runs, a thread notes every BOOK_BUILD_HEARTBEAT seconds that its worker lives.

    It has its own database connection, closed when it stops. A beat that fails (the database is
    briefly away) is skipped: the next one may get through.
    """

    def __init__(self, build):
        self.build_id = build.pk
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self.beat, name=f"book-build-{build.pk}-heartbeat", daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()

    def beat(self):
        try:
            while not self.stopped.wait(settings.BOOK_BUILD_HEARTBEAT):
                try:
                    BookBuild.objects.filter(pk=self.build_id, status=Status.RUNNING).update(
                        progressed_at=timezone.now()
                    )
                except DatabaseError as error:
                    logger.warning("Book build %s: heartbeat missed: %s", self.build_id, error)
                    connection.close()
        finally:
            connection.close()


def store(build, made):
    """Save the PDF, the page ranges and the offprints of a successful build, all or nothing."""
    build.pdf.save(f"{build.proceedings.event.slug}.pdf", ContentFile(made.pdf), save=False)
    entries = made.entries(build)
    try:
        # Cut here, once per build, rather than on a reader's first request (0.1–0.3 s each).
        for entry, pdf in zip(entries, offprints.cut_all(made.pdf, entries), strict=True):
            name = f"{build.proceedings.event.slug}-{entry.number:03d}.pdf"
            entry.offprint.save(name, ContentFile(pdf), save=False)
        with transaction.atomic():
            build.status = Status.SUCCEEDED
            build.stage = Stage.DONE
            build.progress = 100
            build.page_count = made.page_count
            build.papers_typeset = made.papers_typeset
            build.finished_at = timezone.now()
            build.save(
                update_fields=[
                    "status",
                    "stage",
                    "progress",
                    "pdf",
                    "page_count",
                    "papers_typeset",
                    "finished_at",
                ]
            )
            BookEntry.objects.bulk_create(entries)
    except BaseException:
        build.pdf.delete(save=False)
        for entry in entries:
            entry.offprint.delete(save=False)
        raise


def finish_failed(build, error):
    """End `build` as failed with `error`, the text staff read; its stage stays where it stopped."""
    now = timezone.now()
    BookBuild.objects.filter(pk=build.pk, status__in=BookBuild.ACTIVE).update(
        status=Status.FAILED, error=error, finished_at=now
    )
    build.status, build.error, build.finished_at = Status.FAILED, error, now


def describe(error):
    """The error of a failed build as staff read it; the traceback goes to the log."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, KeyboardInterrupt | SystemExit):
        return gettext("The build was interrupted: its worker was stopped. Build the book again.")
    detail = str(error).strip()[:500]
    return gettext("The book could not be typeset: %(error)s. The server log has the details.") % {
        "error": f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    }
