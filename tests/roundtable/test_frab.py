"""The programme for schedule apps: frab's XML and pretalx's JSON, read back as apps read them."""

import datetime
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import RoundTableFactory, programme_of, release

pytestmark = pytest.mark.django_db

# What Giggity, ConfClerk and the C3VOC tools read of each event (required by the C3VOC schema,
# written by pretalx).
EVENT_FIELDS = [
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
    "persons",
    "links",
    "attachments",
]


def url(language, name, event):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs={"slug": event.slug})


def schedule_xml(client, language, event):
    response = client.get(url(language, "schedule_xml", event))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


def schedule_json(client, language, event):
    response = client.get(url(language, "schedule_json", event))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_xml_has_what_schedule_apps_read(client, demo_event):
    root = schedule_xml(client, "ru", demo_event)
    demo_event.refresh_from_db()

    assert root.tag == "schedule"
    assert root.find("generator").get("name")
    assert root.findtext("version") == str(demo_event.current_release.version) == "1"
    conference = root.find("conference")
    assert [child.tag for child in conference] == [
        "acronym",
        "title",
        "start",
        "end",
        "days",
        "timeslot_duration",
        "base_url",
        "time_zone_name",
    ]
    assert conference.findtext("acronym") == "public_safety_2025"  # as the C3VOC schema wants it
    assert conference.findtext("title").startswith("Обеспечение общественной безопасности")
    assert conference.findtext("start") == conference.findtext("end") == "2025-05-23"
    assert conference.findtext("days") == "1"
    assert conference.findtext("time_zone_name") == "Asia/Almaty"

    [day] = root.findall("day")
    assert day.attrib == {
        "index": "1",
        "date": "2025-05-23",
        "start": "2025-05-23T04:00:00+05:00",
        "end": "2025-05-24T03:59:00+05:00",
    }
    [room] = day.findall("room")
    venue = "Алматинская Академия МВД Республики Казахстан им. М. Есбулатова"
    assert room.get("name") == venue
    events = room.findall("event")
    assert len(events) == 26  # every item but the closing, which has no time
    for event in events:
        uuid.UUID(event.get("guid"))
        assert int(event.get("id")) > 0
        assert [child.tag for child in event] == EVENT_FIELDS
        assert event.findtext("room") == venue

    talk = events[1]
    assert talk.findtext("date") == "2025-05-23T09:05:00+05:00"
    assert talk.findtext("start") == "09:05"
    assert talk.findtext("duration") == "00:05"
    assert talk.findtext("title").startswith("Патрульдік полиция")
    assert talk.findtext("language") == "kk"  # the talk's own language
    assert talk.findtext("type") == "Доклад"
    assert (
        talk.findtext("url") == f"{settings.SITE_URL}/ru/public-safety-2025/#item-{talk.get('id')}"
    )
    assert [person.text for person in talk.find("persons")] == ["ШУМАЕВ Серик Исатаевич"]
    assert "начальник Управления местной полицейской службы" in talk.findtext("description")
    assert events[-1].findtext("duration") == "00:15"  # the discussion, 13:00–13:15


def test_json_has_pretalx_keys_and_the_same_guids_as_the_xml(client, demo_event):
    document = schedule_json(client, "kk", demo_event)
    root = schedule_xml(client, "ru", demo_event)

    assert document["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = document["schedule"]
    assert {"version", "base_url", "conference"} <= schedule.keys()
    conference = schedule["conference"]
    assert {
        "acronym",
        "title",
        "start",
        "end",
        "daysCount",
        "timeslot_duration",
        "time_zone_name",
        "rooms",
        "days",
    } <= conference.keys()
    assert conference["daysCount"] == 1
    assert conference["time_zone_name"] == "Asia/Almaty"
    [room] = conference["rooms"]
    assert room["name"] == "Қазақстан Республикасы ІІМ М. Есболатов атындағы Алматы академиясы"
    [day] = conference["days"]
    assert {"index", "date", "day_start", "day_end", "rooms"} == day.keys()
    assert list(day["rooms"]) == [room["name"]]
    events = day["rooms"][room["name"]]
    assert len(events) == 26
    for event in events:
        assert {"guid", "id", *EVENT_FIELDS} <= event.keys()
        assert event["room"] == room["name"]
    opening = events[0]
    assert opening["title"] == "Кіріспе сөз"
    assert opening["start"] == "09:00"
    assert opening["persons"][0]["name"] == "ДИЛЬБАРХАНОВА Жанат Рахимжановна"
    assert opening["persons"][0]["public_name"] == "ДИЛЬБАРХАНОВА Жанат Рахимжановна"

    # An item is the same event in every language and format.
    assert [event["guid"] for event in events] == [
        event.get("guid") for event in root.iter("event")
    ]
    assert [event["id"] for event in events] == [
        int(event.get("id")) for event in root.iter("event")
    ]


def test_version_and_text_follow_a_release_at_once(client):
    event = programme_of(RoundTableFactory(), 2)
    before = schedule_json(client, "ru", event)["schedule"]
    item = event.programme_items.order_by("start").first()

    item.title_ru = "Изменённое название"
    item.start, item.end = datetime.time(8, 30), datetime.time(8, 40)
    item.save()
    release(event)
    after = schedule_json(client, "ru", event)["schedule"]
    root = schedule_xml(client, "ru", event)

    assert int(after["version"]) > int(before["version"])
    assert root.findtext("version") == after["version"]
    [changed] = [e for e in root.iter("event") if e.get("id") == str(item.pk)]
    assert changed.findtext("title") == "Изменённое название"
    assert changed.findtext("start") == "08:30"


def test_conditional_get_answers_not_modified(client):
    event = programme_of(RoundTableFactory(), 2)
    address = url("kk", "schedule_xml", event)
    first = client.get(address)
    assert client.get(address, headers={"if-none-match": first["ETag"]}).status_code == 304
    # Each format and language is its own resource.
    assert client.get(url("kk", "schedule_json", event))["ETag"] != first["ETag"]
    assert client.get(url("ru", "schedule_xml", event))["ETag"] != first["ETag"]


def test_unpublished_round_tables_have_no_schedule(client):
    event = programme_of(RoundTableFactory(published=False), 2)
    for name in ("schedule_xml", "schedule_json"):
        assert client.get(url("kk", name, event)).status_code == 404


@pytest.mark.parametrize("talks", [5, 50])
@pytest.mark.parametrize("name", ["schedule_xml", "schedule_json"])
def test_schedule_queries_do_not_grow_with_the_programme(
    client, django_assert_num_queries, talks, name
):
    event = programme_of(RoundTableFactory(), talks)
    address = url("kk", name, event)
    # the version (portal/page_cache.py), the event, its timed items, their speakers
    with django_assert_num_queries(4):
        first = client.get(address)
    assert first.content.count(b"<event " if name == "schedule_xml" else b'"slug"') == talks
    with django_assert_num_queries(1):  # the version: the schedule comes from the page cache
        client.get(address)
    with django_assert_num_queries(1):  # the version: unchanged, 304
        assert client.get(address, headers={"if-none-match": first["ETag"]}).status_code == 304


# The C3VOC schedule schema (voc/schedule, validator/json/schema.json at 0a403ee, EUPL-1.2: its
# licence beside it), which the C3VOC tools and their importers check schedules against.
C3VOC_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "c3voc-schedule.schema.json").read_text()
)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_json_schedule_passes_the_c3voc_schema(client, demo_event, language):
    document = schedule_json(client, language, demo_event)

    validator = jsonschema.Draft6Validator(C3VOC_SCHEMA)
    problems = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(document)]
    assert problems == []
    assert document["schedule"]["conference"]["acronym"] == "public_safety_2025"
