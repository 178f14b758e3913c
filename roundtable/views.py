from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from proceedings.typesetting import render_pdf
from roundtable import calendar, date_range, frab, page_cache, schedule, spreadsheets, versions
from roundtable.models import RoundTable, programme_prefetches


@page_cache.public_page
def home(request):
    return render(
        request, "roundtable/home.html", {"events": RoundTable.objects.visible_to(request.user)}
    )


@page_cache.public_page
def event(request, slug):
    event = get_object_or_404(
        RoundTable.objects.visible_to(request.user).with_programme(), slug=slug
    )
    return render(request, "roundtable/event.html", {"event": event, "section": "programme"})


@require_safe
def programme_pdf(request, slug):
    """The printed programme: in Kazakh then Russian, or in one language with ?language=kk.
    Typeset once per data version, as the feeds are: it is the slowest page to make."""
    event = visible_event(request, slug)
    language = request.GET.get("language")
    if language is not None and language not in dict(settings.LANGUAGES):
        raise Http404
    languages = [language] if language else schedule.PRINTED_LANGUAGES
    name = f"programme-{event.slug}-{'-'.join(languages)}.pdf"

    def make():
        prefetch_related_objects([event], *programme_prefetches())
        parts = [schedule.printed_programme(event, code) for code in languages]
        return render_pdf(
            "print/programme.html",
            {"parts": parts},
            lang=languages[0],
            title=" / ".join(dict.fromkeys(part["title"] for part in parts)),
            authors=[part["organiser"]["text"] for part in parts[:1] if part["organiser"]["text"]],
        )

    response = feed(request, event, name, "application/pdf", make)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Feeds: iCalendar, frab XML and pretalx JSON ------------------------------------------------


def feed(request, event, name, content_type, make):
    """The feed `name` of `event` in the request's language: `make()`'s bytes, made once per data
    version and kept in the cache.

    Conditional GETs go through Django's `condition` decorator, applied here rather than on the
    view so that the ETag (the data version) and Last-Modified (when it changed) come from the
    event the view already read: a calendar polling an unchanged feed costs one query and gets
    a 304. `no-cache` makes every client ask again, so none shows a programme after an edit.

    A round table stored with a date outside the years the portal takes (from before they were
    checked) has no feed: such a date overflows or falls in Almaty's local mean time.
    """
    if not date_range.in_range(event.date):
        raise Http404
    language = translation.get_language()
    key = versions.cache_key(event, name, language)

    @condition(
        etag_func=lambda request: versions.etag(event, name, language),
        last_modified_func=lambda request: event.data_changed_at,
    )
    def respond(request):
        body = cache.get(key)
        if body is None:
            body = make()
            cache.set(key, body)
        return HttpResponse(body, content_type=content_type)

    response = respond(request)
    patch_cache_control(response, no_cache=True)
    return response


def visible_event(request, slug):
    return get_object_or_404(RoundTable.objects.visible_to(request.user), slug=slug)


@require_safe
def programme_ics(request, slug):
    event = visible_event(request, slug)
    return feed(
        request,
        event,
        "programme.ics",
        calendar.CONTENT_TYPE,
        lambda: calendar.programme_calendar(event, calendar.timed_items(event)),
    )


@require_safe
def programme_item_ics(request, slug, item):
    event = visible_event(request, slug)

    name = f"programme/{item}.ics"

    def make():
        timed = get_object_or_404(calendar.timed_items(event), pk=item)
        return calendar.programme_calendar(event, [timed], name)

    return feed(request, event, name, calendar.CONTENT_TYPE, make)


@require_safe
def schedule_xml(request, slug):
    event = visible_event(request, slug)
    return feed(
        request,
        event,
        "schedule.xml",
        frab.XML_CONTENT_TYPE,
        lambda: frab.schedule_xml(event, calendar.timed_items(event)),
    )


@require_safe
def schedule_json(request, slug):
    event = visible_event(request, slug)
    return feed(
        request,
        event,
        "schedule.json",
        frab.JSON_CONTENT_TYPE,
        lambda: frab.schedule_json(event, calendar.timed_items(event)),
    )


# --- Spreadsheets for organisers ---------------------------------------------------------------


@login_required
@permission_required("roundtable.view_programmeitem", raise_exception=True)
def programme_csv(request, slug):
    return private(spreadsheets.programme_csv(visible_event(request, slug)))


@login_required
@permission_required("speakers.view_participation", raise_exception=True)
def participants_csv(request, slug):
    return private(spreadsheets.participants_csv(visible_event(request, slug)))


def private(response):
    """Names and e-mail addresses: kept by no cache on the way."""
    patch_cache_control(response, private=True, no_store=True)
    return response
