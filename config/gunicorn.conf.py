"""Gunicorn settings of `make serve` (scripts/portal serve): `gunicorn -c` this file.

Everything from the environment: HOST and PORT to listen on (127.0.0.1:8000; a reverse proxy in
front terminates HTTPS and sets X-Forwarded-Proto), WEB_CONCURRENCY workers (2 × cores + 1),
FORWARDED_ALLOW_IPS (the proxy's addresses, read by gunicorn itself; 127.0.0.1 by default).
"""

import importlib
import os
import signal

from portal.parent_death import die_with_parent

# Read the settings here, in the master, before any worker starts: settings that refuse to start
# (production without SECRET_KEY or DATABASE_URL) stop gunicorn with their one-line message,
# instead of every worker failing to boot with a traceback.
importlib.import_module(os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"))
wsgi_app = "config.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
# The cores this process may use (a container may have fewer than the machine).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1))
# Requests that do not finish in time (the printed programme is the slowest page) are cut off;
# on stop or reload, requests under way get graceful_timeout seconds to finish.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Several servers of several checkouts may run on one machine: no shared control socket.
control_socket_disable = True


def post_fork(server, worker):
    """A worker whose master is killed stops (gracefully) at once, instead of serving on alone."""
    die_with_parent(server.pid, signal.SIGTERM)
