"""`/healthz`: whether this app server can answer, for the load balancer and the monitoring.

Outside the language prefixes, without sign-in, session or cache: one cheap query on the
database, 200 {"status": "ok"} or 503 {"status": "unavailable"}. Connecting gives up after
DATABASE_CONNECT_TIMEOUT seconds, so the probe answers quickly either way.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
