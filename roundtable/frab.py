"""A round table's programme as schedule apps read it: frab's XML and the JSON pretalx publishes.

Giggity, ConfClerk and the apps built on the C3VOC schedule format read these files. Element
and key names follow what pretalx emits (its agenda/schedule.xml and FrabJsonExporter), within
the C3VOC schema (https://c3voc.de/schedule/schema.json): one day running from 04:00 to 03:59
the next morning, one room (the venue), one event per timed item. An item's guid is a UUID
derived from its identity on this portal, so apps keep their favourites across updates; the
version is the schedule release's (roundtable/releases.py): the files give the released
programme.

Text is in the active language, with modeltranslation's fallbacks, as on the event page.
"""

import datetime
import json
import re
import uuid
import xml.etree.ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from roundtable.calendar import absolute, item_url, moment, speaker_lines, title_language

GENERATOR = "roundtable-portal"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
SCHEMA = "https://c3voc.de/schedule/schema.json"
# The step, hours:minutes, in which schedule apps draw their timetable grid.
TIMESLOT_DURATION = "00:05"
# Scalar fields of an event, in the order frab's XML lists them.
EVENT_ELEMENTS = (
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "track",
    "type",
    "language",
    "abstract",
    "description",
)


def guid(kind, pk):
    """A UUID that stays with the object `kind`/`pk` of this portal (SITE_URL) for good."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/{kind}/{pk}")))


def duration(item):
    """'00:10': hours and minutes, as frab writes durations."""
    minutes = (moment_of(item.end) - moment_of(item.start)) // datetime.timedelta(minutes=1)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def moment_of(time):
    return datetime.datetime.combine(datetime.date.min, time)


def day_bounds(event):
    """A schedule day runs from 04:00 to 03:59 the next morning, as pretalx counts it."""
    start = moment(event, datetime.time(4, 0))
    return start, start + datetime.timedelta(days=1, minutes=-1)


def person(event, speaker):
    return {
        "guid": guid("people", speaker.pk),
        "name": speaker.full_name,
        "public_name": speaker.full_name,
        "biography": speaker.position_line,
        "url": absolute(
            reverse("roundtable:speaker", kwargs={"slug": event.slug, "person": speaker.slug})
        ),
    }


def schedule_event(event, item):
    """One timed item as an event of pretalx's JSON."""
    return {
        "guid": guid("programme-items", item.item_key),
        "id": item.item_key,
        "date": moment(event, item.start).isoformat(),
        "start": item.start.strftime("%H:%M"),
        "duration": duration(item),
        "room": event.venue,
        "slug": f"{event.slug}-{item.item_key}",
        "url": item_url(event, item),
        "title": item.label,
        "subtitle": "",
        "track": None,
        "type": str(item.get_kind_display()),
        "language": title_language(item) if item.title else translation.get_language(),
        "abstract": "",
        "description": "\n".join(speaker_lines(item)),
        "persons": [person(event, speaker) for speaker in item.speakers.all()],
        "links": [],
        "attachments": [],
    }


def acronym(slug):
    """The round table's slug as the C3VOC schema's acronym: lower-case letters, digits and
    underscores, at least four (public-safety-2025 → public_safety_2025)."""
    return re.sub(r"[^a-z0-9_]", "_", slug.lower()).ljust(4, "_")


def schedule(event, items):
    """The schedule of `items`, timed items of `event`, as the `schedule` of pretalx's JSON."""
    day_start, day_end = day_bounds(event)
    return {
        "url": absolute(event.get_absolute_url()),
        "version": str(event.current_release.version) if event.current_release else "0",
        "base_url": absolute("/"),
        "conference": {
            "acronym": acronym(event.slug),
            "title": event.theme,
            "start": event.date.isoformat(),
            "end": event.date.isoformat(),
            "daysCount": 1,
            "timeslot_duration": TIMESLOT_DURATION,
            "time_zone_name": settings.TIME_ZONE,
            "rooms": [
                {
                    "name": event.venue,
                    "guid": guid("venues", event.pk),
                    "description": event.address or None,
                    "capacity": None,
                }
            ],
            "tracks": [],
            "days": [
                {
                    "index": 1,
                    "date": event.date.isoformat(),
                    "day_start": day_start.isoformat(),
                    "day_end": day_end.isoformat(),
                    "rooms": {event.venue: [schedule_event(event, item) for item in items]},
                }
            ],
        },
    }


def schedule_json(event, items):
    """pretalx's schedule.json (bytes, UTF-8)."""
    document = {
        "$schema": SCHEMA,
        "generator": {"name": GENERATOR},
        "schedule": schedule(event, items),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def schedule_xml(event, items):
    """frab's schedule.xml (bytes, UTF-8), as pretalx writes it."""
    items = list(items)
    data = schedule(event, items)
    conference = data["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    ET.SubElement(root, "version").text = data["version"]
    head = ET.SubElement(root, "conference")
    for name, value in (
        ("acronym", conference["acronym"]),
        ("title", conference["title"]),
        ("start", conference["start"]),
        ("end", conference["end"]),
        ("days", str(conference["daysCount"])),
        ("timeslot_duration", conference["timeslot_duration"]),
        ("base_url", data["base_url"]),
        ("time_zone_name", conference["time_zone_name"]),
    ):
        ET.SubElement(head, name).text = value
    for day in conference["days"]:
        day_element = ET.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room in conference["rooms"]:
            room_element = ET.SubElement(day_element, "room", name=room["name"], guid=room["guid"])
            for item, fields in zip(items, day["rooms"][room["name"]], strict=True):
                element = ET.SubElement(
                    room_element, "event", guid=fields["guid"], id=str(item.item_key)
                )
                for name in EVENT_ELEMENTS:
                    ET.SubElement(element, name).text = fields[name] or ""
                persons = ET.SubElement(element, "persons")
                for speaker in item.speakers.all():
                    ET.SubElement(persons, "person", id=str(speaker.pk)).text = speaker.full_name
                ET.SubElement(element, "links")
                ET.SubElement(element, "attachments")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
