"""Throttling: too many sign-in failures, too many uploads or book builds.

Both answer 429 Too Many Requests with a page in the user's language that says when to try again.
Failed sign-ins are counted by django-axes per account and per address (its settings in
config/settings.py; `SignInFailures` is its AXES_HANDLER, `locked_out` its
AXES_LOCKOUT_CALLABLE); the costly endpoints and password-reset letters are limited with
django-ratelimit, counting in the default cache (`per_user`, `seconds_to_wait`).
"""

import math
from functools import wraps

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext_lazy
from django_ratelimit.core import get_usage

TOO_MANY_REQUESTS = 429


class SignInFailures(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER) with a lock per account and per address.

    Failures are recorded under the account that the typed name or e-mail signs in as
    (`speakers.backends.sign_in_name`) and the client's address. An account is locked after
    AXES_FAILURE_LIMIT failures from anywhere; an address after AXES_ADDRESS_FAILURE_LIMIT
    failures on any accounts. A successful sign-in clears its account's failures only: signing in
    to one's own account does not buy an address more guesses at others.
    """

    def get_failures(self, request, credentials=None):
        """The failures weighed against AXES_FAILURE_LIMIT: the account's, or the whole limit
        once the address is over its own."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        on_account = _failures(recent.filter(username=get_client_username(request, credentials)))
        from_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(on_account, get_failure_limit(request, credentials))
        return on_account

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


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
            user = request.user
            who = f"user:{user.pk}" if user.is_authenticated else client_address(request)
            wait = seconds_to_wait(request, group, who, getattr(settings, rate_setting))
            if wait:
                return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def seconds_to_wait(request, group, who, rate):
    """Count this request under `group` for `who` (a text: a user, an address, an e-mail address;
    the cache key holds only its hash) and say how many seconds to wait once it is over `rate`
    ("30/h"); 0 while under it."""
    usage = get_usage(
        request, group=group, key=lambda group, request: who, rate=rate, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return 0
    return max(1, usage["time_left"])


TOO_OFTEN = ngettext_lazy(
    "You have done this too often in a short time. Try again in %(minutes)s minute.",
    "You have done this too often in a short time. Try again in %(minutes)s minutes.",
    "minutes",
)


def too_many_requests(request, seconds_left, message=TOO_OFTEN):
    """The 429 answer; `message` is a lazy plural with %(minutes)s, the wait."""
    minutes = max(1, math.ceil(seconds_left / 60))
    message = message % {"minutes": minutes}
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
