"""Throttling: too many sign-in failures, too many uploads or book builds.

Both answer 429 Too Many Requests with a page in the user's language that says when to try again.
Failed sign-ins are counted by django-axes (its settings in roundtable/settings.py, `locked_out`
is its AXES_LOCKOUT_CALLABLE); the costly endpoints are limited per user with django-ratelimit,
counting in the default cache (`per_user`).
"""

import math
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

TOO_MANY_REQUESTS = 429


def locked_out(request, response, credentials):
    """The page of a sign-in refused because of earlier failures (django-axes)."""
    return render(
        request,
        "throttling/locked_out.html",
        {"minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)},
        status=TOO_MANY_REQUESTS,
    )


def client_address(request):
    """The address that sign-in failures are counted for (AXES_CLIENT_IP_CALLABLE).

    Behind REVERSE_PROXY_COUNT proxies, REMOTE_ADDR is the nearest proxy's; the client's is the
    entry that the outermost proxy appended to X-Forwarded-For, counted from the right. Entries
    further left come from the client itself and may be forged.
    """
    proxies = settings.REVERSE_PROXY_COUNT
    if proxies:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def per_user(rate_setting):
    """Limit a view to the rate in settings.<rate_setting> ("30/h") per signed-in user.

    Every request counts, refused or not. Beyond the limit the view is not called: the answer is
    429, as JSON {"ok": false, "errors": [...]} to a client that asks for JSON (the upload
    script shows the errors), as a page otherwise. The rate is read on each request, so tests
    may override the setting.
    """

    def decorator(view):
        group = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited(request, *args, **kwargs):
            usage = get_usage(
                request,
                group=group,
                key="user",
                rate=getattr(settings, rate_setting),
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, usage["time_left"])
            return view(request, *args, **kwargs)

        return limited

    return decorator


def too_many_requests(request, seconds_left):
    minutes = max(1, math.ceil(seconds_left / 60))
    message = ngettext(
        "You have done this too often in a short time. Try again in %(minutes)s minute.",
        "You have done this too often in a short time. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"ok": False, "errors": [message]}, status=TOO_MANY_REQUESTS)
    else:
        back = request.headers.get("Referer")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = None
        response = render(
            request,
            "throttling/too_many_requests.html",
            {"message": message, "back": back},
            status=TOO_MANY_REQUESTS,
        )
    response["Retry-After"] = str(max(1, seconds_left))
    return response
