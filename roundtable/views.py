from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal import date_range, downloads, page_cache
from roundtable import (
    calendar,
    frab,
    now_next,
    permissions,
    programme_search,
    releases,
    schedule,
    spreadsheets,
)
from roundtable.models import programme_prefetches


@page_cache.public_page
def home(request):
    return render(
        request, "roundtable/home.html", {"events": permissions.viewable_by(request.user)}
    )


# Kept a minute at most: the page says what is on now. A search is the searcher's own page.
@page_cache.public_page(searches=["q"], fresh_for=60)
def event(request, slug):
    # With its registration settings: the programme links to the registration while it is open.
    events = permissions.viewable_by(request.user).select_related("registration_settings")
    event = get_object_or_404(events.with_programme(), slug=slug)
    items = event.programme
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "roundtable/event.html",
        {
            "event": event,
            "section": "programme",
            "programme": items,
            "release": event.current_release,
            "changes": releases.changes(event.current_release, items)
            if event.current_release
            else [],
            "now_next": now_next.shown(event, items, timezone.now()),
            "query": query,
            "matching": programme_search.matching(items, query),
            "found_phrases": programme_search.found_phrases(),
        },
    )


@page_cache.public_page(query={"language": page_cache.ANY})
@require_safe
def programme_pdf(request, slug):
    """The printed programme: in Kazakh then Russian, or in one language with ?language=kk.
    Typeset once per data version, as the feeds are: it is the slowest page to make."""
    event = visible_event(request, slug)
    language = request.GET.get("language")
    if language is not None and language not in dict(settings.WRITTEN_LANGUAGES):
        raise Http404
    languages = [language] if language else schedule.PRINTED_LANGUAGES
    name = f"programme-{event.slug}-{'-'.join(languages)}.pdf"

    def make():
        prefetch_related_objects([event], *programme_prefetches())
        return schedule.programme_pdf(event, event.programme, languages)

    response = page_cache.feed(request, event, name, "application/pdf", make)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Feeds: iCalendar, frab XML and pretalx JSON ------------------------------------------------


def visible_event(request, slug):
    return get_object_or_404(permissions.viewable_by(request.user), slug=slug)


def feed_event(request, slug):
    """The round table whose feed is asked for. One stored with a date outside the years the
    portal takes (from before they were checked) has no feed: such a date overflows or falls in
    Almaty's local mean time."""
    event = visible_event(request, slug)
    if not date_range.in_range(event.date):
        raise Http404
    return event


@page_cache.public_page
@require_safe
def programme_ics(request, slug):
    event = feed_event(request, slug)
    return page_cache.feed(
        request,
        event,
        "programme.ics",
        calendar.CONTENT_TYPE,
        lambda: calendar.programme_calendar(event, calendar.timed_items(event)),
    )


@page_cache.public_page
@require_safe
def programme_item_ics(request, slug, item):
    event = feed_event(request, slug)

    name = f"programme/{item}.ics"

    def make():
        timed = get_object_or_404(calendar.timed_items(event), item_key=item)
        return calendar.programme_calendar(event, [timed], name)

    return page_cache.feed(request, event, name, calendar.CONTENT_TYPE, make)


@page_cache.public_page
@require_safe
def schedule_xml(request, slug):
    event = feed_event(request, slug)
    return page_cache.feed(
        request,
        event,
        "schedule.xml",
        frab.XML_CONTENT_TYPE,
        lambda: frab.schedule_xml(event, calendar.timed_items(event)),
    )


@page_cache.public_page
@require_safe
def schedule_json(request, slug):
    event = feed_event(request, slug)
    return page_cache.feed(
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
    return downloads.private(spreadsheets.programme_csv(visible_event(request, slug)))


@login_required
@permission_required("speakers.view_participation", raise_exception=True)
def participants_csv(request, slug):
    return downloads.private(spreadsheets.participants_csv(visible_event(request, slug)))


@login_required
@permission_required("speakers.view_participation", raise_exception=True)
def participants_xlsx(request, slug):
    return downloads.private(spreadsheets.participants_xlsx(visible_event(request, slug)))
