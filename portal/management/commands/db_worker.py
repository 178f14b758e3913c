"""`manage.py db_worker`: django-tasks-db's worker, made to last in production.

Two changes to the library's worker (its options stay as they are):

- A database outage does not end it. The library's worker dies on the first connection error,
  which left `make serve` with a web server and no one to run book builds. This one logs the
  outage once, tries the database again after 1, 2, 4… and at most OUTAGE_RETRY_MAX seconds, logs
  its return and takes tasks again.
- SIGTERM or Ctrl+C stops a task under way at once instead of waiting for its end: a book build
  can take minutes, longer than a supervisor waits. The build is marked failed ("interrupted")
  and its typesetting processes are killed (proceedings/book.py); its finished parts stay cached.
"""

import logging
import os
import signal
import sys
import time

from django.core.management import CommandError
from django.db import InterfaceError, OperationalError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")

OUTAGE_RETRY_MAX = 5  # seconds between two tries at most while the database is away


class Worker(db_worker.Worker):
    def run(self):
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                self.wait_for_the_database(error)

    def wait_for_the_database(self, error):
        """Return once the database answers again; SIGTERM still stops the worker meanwhile."""
        logger.warning(
            "The database is unavailable (%s): the worker waits for it and goes on.",
            " ".join(str(error).split()),
        )
        began, pause = time.monotonic(), 1
        while True:
            connection.close()
            time.sleep(pause)
            try:
                connection.ensure_connection()
            except (OperationalError, InterfaceError):
                pause = min(2 * pause, OUTAGE_RETRY_MAX)
            else:
                logger.warning(
                    "The database is back after %d s: the worker takes tasks again.",
                    time.monotonic() - began,
                )
                return

    def shutdown(self, signum, frame):
        if self.running_task:
            logger.warning("Received %s - stopping the task under way.", signal.strsignal(signum))
            self.running = False
            self.reset_signals()
            sys.exit(1)  # raised in the task: it ends as failed, then the worker leaves
        super().shutdown(signum, frame)


class Command(db_worker.Command):
    help = "Run the database queue's background worker; it waits out database outages."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        """The library's handle, with this module's Worker."""
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: no autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if not reload:
            worker.configure_signals()
            worker.run()
            return
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # in the reloader's child only
        run_with_reloader(worker.run)
