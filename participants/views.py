from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from participants import online_access
from participants.models import Registration
from portal import downloads
from roundtable import calendar, now_next, permissions


@require_safe
def registration(request, token):
    """A registrant's own page, reached from their letters by the registration's token: their
    registration, what is on now, and in time the online link. Theirs only: never cached,
    never indexed."""
    registration = get_object_or_404(
        Registration.objects.select_related("event").filter(
            event__in=permissions.viewable_by(request.user)
        ),
        token=token,
    )
    event = registration.event
    items = list(calendar.timed_items(event))
    now = timezone.now()
    shown = now_next.shown(event, items, now)
    response = render(
        request,
        "participants/registration.html",
        {
            "registration": registration,
            "event": event,
            "now_next": shown,
            "online": online_access.online_link(registration, shown.slots, now),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return downloads.private(response)
