"""The page people get while the database is down, instead of a server error.

A view that cannot reach PostgreSQL (stopped, restarting, out of connections) raises
OperationalError or InterfaceError. The visitor gets templates/503.html in the page's language with
status 503 and a Retry-After, at once: connecting gives up after DATABASE_CONNECT_TIMEOUT seconds.
Nothing needs restarting afterwards: with CONN_HEALTH_CHECKS, every request checks the kept
connection and opens a new one once the database is back.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s: %s", request.path, exception)
        return outage_response()


def outage_response():
    """The 503 page; its template reads nothing from the database (no user, no messages)."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
