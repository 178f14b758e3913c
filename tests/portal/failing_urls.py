"""The portal's addresses and a few that fail on purpose, for tests/portal/test_errors.py.

The error handlers are those of config/urls.py: Django reads them from the root URLconf.
"""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns
from portal import page_cache

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fail(request):
    raise RuntimeError("a bug")


def forbid(request):
    raise PermissionDenied


failures = []


@page_cache.public_page
def fails_once(request):
    """A public page whose first rendering fails: the failure must not be what the cache keeps."""
    if not failures:
        failures.append(request.path)
        raise RuntimeError("a passing bug")
    return HttpResponse("the programme")


urlpatterns = [
    path("api/fail/", fail),
    path("api/forbidden/", forbid),
    *i18n_patterns(
        path("fail/", fail),
        path("forbidden/", forbid),
        path("fails-once/", fails_once),
    ),
    *urlpatterns,
]
