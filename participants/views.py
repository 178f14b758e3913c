"""The registration pages of a round table and the organisers' check-in pages.

None is kept by the page cache: the registration form depends on the clock (open, not yet,
closed), and the others show one registrant's data to the holder of their link. Links in letters
open pages with a button: mail scanners that follow links must not confirm or cancel anything.
"""

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from modeltranslation.utils import get_language as written_language

from participants import attendance, online_access, permissions, registration
from participants.forms import RegistrationForm
from participants.models import Attendance, Mode, Registration, RegistrationSettings
from portal import downloads, throttling
from roundtable import calendar, now_next
from roundtable import permissions as roundtable_permissions


def event_of(request, slug):
    events = roundtable_permissions.viewable_by(request.user)
    return get_object_or_404(events.select_related("registration_settings"), slug=slug)


@require_http_methods(["GET", "POST"])
def register(request, slug):
    event = event_of(request, slug)
    registration_settings = getattr(event, "registration_settings", None)
    if registration_settings is None:
        raise Http404
    state = registration_settings.state()
    is_open = state == RegistrationSettings.State.OPEN
    form = RegistrationForm(request.POST or None, event=event)
    if request.method == "POST" and is_open:
        wait = throttling.seconds_to_wait(
            request,
            "participants.register",
            throttling.client_address(request),
            settings.REGISTRATION_RATE_LIMIT,
        )
        if wait:
            return throttling.too_many_requests(request, wait)
        if form.is_valid():
            registrant = form.save(commit=False)
            registrant.language = written_language()  # kk from a page in the Latin alphabet
            try:
                registration.register(registrant)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session["registration_email"] = registrant.email
                return redirect("participants:registered", slug)
    return render(
        request,
        "participants/register.html",
        {
            "event": event,
            "section": "registration",
            "form": form,
            "is_open": is_open,
            "state_label": RegistrationSettings.State(state).label,
        },
    )


@require_safe
def registered(request, slug):
    return render(
        request,
        "participants/registered.html",
        {
            "event": event_of(request, slug),
            "section": "registration",
            "email": request.session.get("registration_email", ""),
        },
    )


def registration_or_404(slug, token):
    found = registration.registration_of(token, slug)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def confirm(request, slug, token):
    registrant = registration.registration_of(token, slug)
    if registrant is None or registration.link_expired(registrant):
        # Too old, or forgotten since (registration.forget_unconfirmed): the way on is to
        # register again. Not found all the same, a wrong token alike: it tells nobody which.
        return render(
            request,
            "participants/confirm_expired.html",
            {
                "event": event_of(request, slug),
                "section": "registration",
                "valid_days": settings.REGISTRATION_UNCONFIRMED_DAYS,
            },
            status=404,
        )
    if request.method == "POST":
        registration.confirm(registrant)
        return redirect("participants:page", slug, token)
    return render(
        request,
        "participants/confirm.html",
        {"registration": registrant, "event": registrant.event},
    )


@require_safe
def page(request, slug, token):
    """A registrant's own page, reached from their letters by the registration's token: their
    registration, what is on now, and in time the online link. Theirs only: never cached,
    never indexed. Not while the round table is unpublished."""
    registrant = registration.registration_of(
        token, slug, events=roundtable_permissions.viewable_by(request.user)
    )
    if registrant is None:
        raise Http404
    event = registrant.event
    now = timezone.now()
    shown = now_next.shown(event, list(calendar.timed_items(event)), now)
    response = render(
        request,
        "participants/registration.html",
        {
            "registration": registrant,
            "event": event,
            "has_place": registrant.status == Registration.Status.CONFIRMED,
            "is_online": registrant.mode == Mode.ONLINE,
            "now_next": shown,
            "online": online_access.online_link(registrant, shown.slots, now),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return downloads.private(response)


@require_http_methods(["GET", "POST"])
def cancel(request, slug, token):
    registrant = registration_or_404(slug, token)
    if request.method == "POST":
        registration.cancel(registrant)
        messages.success(request, _("Your registration is cancelled."))
        return redirect("participants:page", slug, token)
    return render(
        request,
        "participants/cancel.html",
        {"registration": registrant, "event": registrant.event},
    )


def with_place(slug, token):
    registrant = registration_or_404(slug, token)
    if registrant.status != Registration.Status.CONFIRMED:
        raise Http404
    return registrant


@require_safe
def calendar_entry(request, slug, token):
    registrant = with_place(slug, token)
    event = registrant.event
    note = event.online_link if registrant.mode == Mode.ONLINE else ""
    response = HttpResponse(
        calendar.round_table_entry(event, note), content_type=calendar.CONTENT_TYPE
    )
    return downloads.private(
        downloads.attachment(response, f"{event.theme}.ics", f"{event.slug}.ics")
    )


@require_safe
def qr_code(request, slug, token):
    """The QR code of the registration letter: the check-in address, for organisers to scan."""
    registrant = with_place(slug, token)
    image = io.BytesIO()
    segno.make(registration.check_in_link(registrant), error="m").save(
        image, kind="png", scale=8, border=4
    )
    response = HttpResponse(image.getvalue(), content_type="image/png")
    name = f"{_('QR code for checking in')} — {registrant.full_name}.png"
    return downloads.private(
        downloads.attachment(response, name, f"check-in-{registrant.event.slug}.png")
    )


def organisers_event(request, slug):
    if not permissions.is_organiser(request.user):
        raise PermissionDenied
    return event_of(request, slug)


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug):
    """Search by name, one tap to check in: a phone at the door."""
    event = organisers_event(request, slug)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        participation = get_object_or_404(
            attendance.participations(event), person_id=request.POST.get("person")
        )
        if participation.is_waiting:
            refuse(request, participation.person)
        else:
            _record, created = attendance.check_in(
                event, participation.person, Attendance.Source.DOOR, by=request.user
            )
            tell(request, participation.person, created)
        search = urlencode({"q": query})
        return redirect(f"{reverse('participants:check_in', args=[slug])}?{search}")
    return render(
        request,
        "participants/check_in.html",
        {"event": event, "query": query, "found": attendance.search(event, query)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_registration(request, slug, token):
    """The page the letter's QR code opens: the registrant, and a button to check them in."""
    event = organisers_event(request, slug)
    registrant = registration.registration_checked_in(token, event)
    if registrant is None or registrant.person is None:
        raise Http404
    has_seat = attendance.has_seat(event, registrant.person)
    if request.method == "POST":
        if not has_seat:
            refuse(request, registrant.person)
            return redirect(request.path)
        _record, created = attendance.check_in(
            event,
            registrant.person,
            Attendance.Source.QR_CODE,
            mode=registrant.mode,
            by=request.user,
        )
        tell(request, registrant.person, created)
        return redirect(request.path)
    return render(
        request,
        "participants/check_in_registration.html",
        {
            "event": event,
            "registration": registrant,
            "has_seat": has_seat,
            "attendance": Attendance.objects.filter(event=event, person=registrant.person).first(),
        },
    )


def tell(request, person, created):
    if created:
        messages.success(request, _("%(name)s is checked in.") % {"name": person.full_name})
    else:
        messages.info(request, _("%(name)s was already checked in.") % {"name": person.full_name})


def refuse(request, person):
    messages.error(
        request,
        _("%(name)s has no seat (waiting list or cancelled registration): not checked in.")
        % {"name": person.full_name},
    )
