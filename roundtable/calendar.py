"""A round table's programme as iCalendar: the whole day to subscribe to, or one item to add.

Items are times of day on the round table's date in the portal's time zone (Asia/Almaty), so
each event carries that time zone by name (DTSTART;TZID=Asia/Almaty) with its VTIMEZONE, and
calendars elsewhere show the right moment. An item keeps its UID for good, whatever the language
or the address of the feed (its draft item's id); its SEQUENCE is the item's revision
(ReleasedItem.sequence), which moves with each release that changes its time, room, title or
speakers and when the round table's day or place changes, so a calendar holding the item replaces
it. The feeds give the released programme (roundtable/releases.py), never the draft.

The text is in the active language, with modeltranslation's fallbacks: a talk titled only in
Russian shows its Russian title in the Kazakh feed, as the programme prints it.
"""

import datetime
import uuid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from icalendar import Calendar, Event

from portal.templatetags.languages import written_in
from roundtable.models import ReleasedItem, speakers_as_printed

CONTENT_TYPE = "text/calendar; charset=utf-8"


def released(event):
    """The items of `event`'s current release (none before the first)."""
    return ReleasedItem.objects.filter(release__current_of=event)


def timed_items(event):
    """The released items of `event` that have a time, with their speakers as the programme
    prints them, in two queries."""
    return released(event).filter(start__isnull=False).prefetch_related(speakers_as_printed())


def absolute(path):
    """`path` on the portal's public address (SITE_URL), whatever host the request came to."""
    return settings.SITE_URL + path


def item_url(event, item):
    """The item's line on the event page in the active language."""
    return f"{absolute(event.get_absolute_url())}#item-{item.item_key}"


def moment(event, time):
    """`time` on the round table's day, in the portal's time zone."""
    return datetime.datetime.combine(event.date, time, tzinfo=ZoneInfo(settings.TIME_ZONE))


def speaker_lines(item):
    """One line per speaker: 'NAME Given Patronymic — position', as the programme prints them."""
    return [
        " — ".join(part for part in (person.full_name, person.position_line) if part)
        for person in item.speakers.all()
    ]


def place(event):
    return ", ".join(part for part in (event.venue, event.address) if part)


def uid(item):
    return f"item-{item.item_key}@{urlsplit(settings.SITE_URL).hostname}"


def title_language(item):
    """The language the item's title is written in: the talk's own, or the one shown."""
    return item.title_language or written_in(item, "title")


def calendar_event(event, item):
    vevent = Event.new(
        uid=uid(item),
        # Without METHOD, DTSTAMP is when the data last changed, not when the file was made.
        stamp=event.data_changed_at.astimezone(datetime.UTC),
        start=moment(event, item.start),
        end=moment(event, item.end),
        summary=item.label,
        description="\n".join([*speaker_lines(item), "", event.theme]).strip(),
        location=place(event),
        url=item_url(event, item),
        sequence=item.sequence,
    )
    if item.title:
        vevent["SUMMARY"].params["LANGUAGE"] = title_language(item)
    return vevent


def programme_calendar(event, items, feed="programme.ics"):
    """The iCalendar file (bytes) of `items`, timed items of `event`, in the active language.

    `feed` names the file among the round table's (programme.ics, programme/<item>.ics): the
    calendar's own UID comes from it, the same in every language.
    """
    return calendar_of(event, feed, [calendar_event(event, item) for item in items])


def round_table_entry(event, note=""):
    """The iCalendar file (bytes) of the round table as one entry, from its start to the end of
    its last timed item (a registrant's calendar), with `note` (the online link) first in its
    description."""
    start = moment(event, event.start)
    timed = released(event).filter(end__isnull=False)
    last = max((item.end for item in timed), default=None)
    # Without a timed programme, the entry lasts two hours from the start.
    end = moment(event, last) if last and last > event.start else None
    end = end or start + datetime.timedelta(hours=2)
    vevent = Event.new(
        uid=f"round-table-{event.pk}@{urlsplit(settings.SITE_URL).hostname}",
        stamp=event.data_changed_at.astimezone(datetime.UTC),
        start=start,
        end=end,
        summary=event.theme,
        description="\n".join(part for part in (note, event.organiser) if part),
        location=place(event) or note,
        url=absolute(event.get_absolute_url()),
    )
    return calendar_of(event, "registration.ics", [vevent])


def calendar_of(event, feed, events):
    language = translation.get_language()
    calendar = Calendar.new(
        prodid=f"-//{urlsplit(settings.SITE_URL).hostname}//Round table programme//"
        f"{language.upper()}",
        name=event.theme,
        uid=uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/{event.slug}/{feed}")),
        url=absolute(event.get_absolute_url()),
        subcomponents=events,
    )
    # Google Calendar and Outlook read the calendar's zone from this extension.
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    # The zone's rules around the round table's year: a few lines instead of its whole history.
    calendar.add_missing_timezones(
        first_date=datetime.date(event.date.year, 1, 1),
        last_date=datetime.date(event.date.year + 2, 1, 1),
    )
    return calendar.to_ical()
