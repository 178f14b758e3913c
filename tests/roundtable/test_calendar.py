"""The programme in iCalendar, read back as a calendar app reads it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from portal import page_cache
from roundtable import schedule
from tests.factories import ProgrammeItemFactory, RoundTableFactory, programme_of, release

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs=kwargs)


def calendar_of(client, language, event, **headers):
    response = client.get(url(language, "programme_ics", slug=event.slug), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def by_start(calendar):
    return {event.start.astimezone(UTC): event for event in calendar.events}


def test_the_whole_programme_reads_back_in_almaty_time(client, demo_event):
    calendar = calendar_of(client, "kk", demo_event)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]).startswith("Қоғамдық қауіпсіздікті қамтамасыз ету")
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Almaty"]
    # 27 items, of which the closing has no time.
    assert len(calendar.events) == 26
    opening = calendar.events[0]
    assert opening["DTSTART"].params["TZID"] == "Asia/Almaty"
    # Almaty has kept UTC+5 since March 2024: 09:00 there is 04:00 UTC.
    assert opening.start == datetime.datetime(2025, 5, 23, 9, tzinfo=ZoneInfo("Asia/Almaty"))
    assert opening.start.astimezone(UTC) == datetime.datetime(2025, 5, 23, 4, tzinfo=UTC)
    assert opening.end.astimezone(UTC) == datetime.datetime(2025, 5, 23, 4, 5, tzinfo=UTC)
    assert str(opening["SUMMARY"]) == "Кіріспе сөз"
    assert str(opening["LOCATION"]).startswith("Қазақстан Республикасы ІІМ")
    assert str(opening["LOCATION"]).endswith("Өтепов көшесі 29")
    assert str(opening["URL"]) == (
        f"{settings.SITE_URL}/kk/{demo_event.slug}/#item-{opening_item(demo_event).pk}"
    )
    # When the data last changed (iCalendar counts in whole seconds).
    changed_at = demo_reloaded(demo_event).data_changed_at.replace(microsecond=0)
    assert opening["DTSTAMP"].dt == changed_at


def opening_item(event):
    return event.programme_items.get(kind="opening")


def demo_reloaded(event):
    event.refresh_from_db()
    return event


def test_talks_carry_speakers_with_positions_and_keep_their_own_language(client, demo_event):
    calendar = calendar_of(client, "ru", demo_event)
    talks = by_start(calendar)

    opening = talks[datetime.datetime(2025, 5, 23, 4, tzinfo=UTC)]
    assert str(opening["SUMMARY"]) == "Вступительное слово"
    # 09:05, a talk written in Kazakh: its title stays Kazakh in the Russian calendar.
    talk = talks[datetime.datetime(2025, 5, 23, 4, 5, tzinfo=UTC)]
    assert str(talk["SUMMARY"]).startswith("Патрульдік полиция мен азаматтардың")
    assert talk["SUMMARY"].params["LANGUAGE"] == "kk"
    item = demo_event.programme_items.get(start=datetime.time(9, 5))
    with translation.override("ru"):
        speaker = schedule.printed_person(item.speakers.get())
    description = str(talk["DESCRIPTION"])
    assert f"{speaker['name']['text']} — {speaker['position']['text']}" in description
    assert "Обеспечение общественной безопасности" in description  # the round table's theme

    # The same items, whatever the language or the request.
    uids = [str(event["UID"]) for event in calendar.events]
    assert len(set(uids)) == 26
    assert uids == [str(event["UID"]) for event in calendar_of(client, "kk", demo_event).events]
    cache.clear()  # made again, not read back
    page_cache.kept.clear()
    assert uids == [str(event["UID"]) for event in calendar_of(client, "ru", demo_event).events]
    host = settings.SITE_URL.split("://")[1].split(":")[0]
    assert uids[0] == f"item-{opening_item(demo_event).pk}@{host}"

    # One item alone: the same event, with its time zone.
    one = client.get(url("ru", "programme_item_ics", slug=demo_event.slug, item=item.pk))
    assert one.status_code == 200
    alone = Calendar.from_ical(one.content)
    assert [zone.tz_name for zone in alone.timezones] == ["Asia/Almaty"]
    assert [event.to_ical() for event in alone.events] == [talk.to_ical()]


def test_items_without_a_time_or_of_another_event_have_no_calendar(client):
    event = RoundTableFactory()
    closing = ProgrammeItemFactory(event=event, start=None, end=None, kind="closing")
    elsewhere = ProgrammeItemFactory()
    for item in (closing, elsewhere):
        response = client.get(url("kk", "programme_item_ics", slug=event.slug, item=item.pk))
        assert response.status_code == 404


def test_unpublished_round_tables_have_no_calendar(client):
    event = programme_of(RoundTableFactory(published=False), 2)
    item = event.programme_items.first()
    assert client.get(url("kk", "programme_ics", slug=event.slug)).status_code == 404
    response = client.get(url("kk", "programme_item_ics", slug=event.slug, item=item.pk))
    assert response.status_code == 404


def sequences(client, event):
    return {
        str(vevent["UID"]): vevent["SEQUENCE"] for vevent in calendar_of(client, "kk", event).events
    }


def test_sequence_counts_released_changes_of_time_title_day_and_place(client):
    event = programme_of(RoundTableFactory(), 3)
    first, second, _third = event.programme_items.order_by("start")
    uid = f"item-{first.pk}@"
    assert set(sequences(client, event).values()) == {0}

    first.title_ru = "Новое название"
    first.save()
    assert sorted(sequences(client, event).values()) == [0, 0, 0]  # a draft, not yet released
    release(event)
    after_title = sequences(client, event)
    assert [seq for key, seq in after_title.items() if key.startswith(uid)] == [1]
    assert sorted(after_title.values()) == [0, 0, 1]

    release(event)  # nothing changed: no new revision
    assert sorted(sequences(client, event).values()) == [0, 0, 1]

    schedule.shift_from(second, 5)  # second and third move
    release(event)
    assert sorted(sequences(client, event).values()) == [1, 1, 1]

    event.date = datetime.date(2025, 6, 2)  # every item moves with its day, released or not
    event.save()
    assert sorted(sequences(client, event).values()) == [2, 2, 2]
    assert {vevent.start.date() for vevent in calendar_of(client, "kk", event).events} == {
        datetime.date(2025, 6, 2)
    }

    event.theme_kk = "Басқа тақырып"  # not where or when: items keep their revision
    event.save()
    assert sorted(sequences(client, event).values()) == [2, 2, 2]
    release(event)
    assert sorted(sequences(client, event).values()) == [2, 2, 2]


def test_an_item_retitled_after_its_day_moved_keeps_both_revisions(client):
    event = programme_of(RoundTableFactory(), 1)
    item = event.programme_items.get()
    event.date = datetime.date(2025, 6, 2)
    event.save()
    item.title_ru = "Новое название"
    item.save()
    release(event)
    assert list(sequences(client, event).values()) == [2]


def test_an_edit_shows_at_once_and_the_etag_moves(client):
    event = programme_of(RoundTableFactory(), 2)
    item = event.programme_items.order_by("start").first()
    address = url("ru", "programme_ics", slug=event.slug)
    before = client.get(address)

    item.title_ru = "Изменённое название"
    item.save()
    release(event)
    after = client.get(address)

    assert "Изменённое название" in str(Calendar.from_ical(after.content).events[0]["SUMMARY"])
    assert after["ETag"] != before["ETag"]


def test_conditional_gets_answer_not_modified_until_the_data_changes(client):
    event = programme_of(RoundTableFactory(), 2)
    address = url("kk", "programme_ics", slug=event.slug)
    first = client.get(address)
    assert first["Cache-Control"] == "no-cache"

    unchanged = client.get(address, headers={"if-none-match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == first["ETag"]
    since = client.get(address, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304

    item = event.programme_items.first()
    item.title_ru = "Другое"
    item.save()
    changed = client.get(address, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200


@pytest.mark.parametrize("talks", [5, 50])
def test_calendar_queries_do_not_grow_with_the_programme(client, django_assert_num_queries, talks):
    event = programme_of(RoundTableFactory(), talks)
    item = event.programme_items.first()
    whole = url("kk", "programme_ics", slug=event.slug)
    one = url("kk", "programme_item_ics", slug=event.slug, item=item.pk)

    # the version (portal/page_cache.py), the event, its timed items, their speakers
    with django_assert_num_queries(4):
        first = client.get(whole)
    assert len(Calendar.from_ical(first.content).events) == talks
    with django_assert_num_queries(1):  # the version: the calendar comes from the page cache
        assert client.get(whole).content == first.content
    with django_assert_num_queries(1):  # the version: unchanged, 304
        assert client.get(whole, headers={"if-none-match": first["ETag"]}).status_code == 304
    with django_assert_num_queries(1):  # a link with a made-up query: the same calendar
        assert client.get(whole + "?utm_source=newsletter").content == first.content
    with django_assert_num_queries(4):  # the version, the event, the item, its speakers
        client.get(one)
    with django_assert_num_queries(1):
        client.get(one)


@pytest.mark.parametrize("day", [datetime.date(9999, 12, 31), datetime.date(1900, 5, 23)])
@pytest.mark.parametrize("feed", ["programme_ics", "schedule_xml", "schedule_json"])
def test_a_date_stored_before_dates_were_checked_gives_no_feed_and_no_error(client, feed, day):
    """Year 9999 overflowed (500); 1900 was set in Almaty's local mean time, UTC+05:07:48."""
    event = RoundTableFactory(date=day, published=True)
    item = ProgrammeItemFactory(event=event, start=datetime.time(23), end=datetime.time(23, 50))

    answers = [
        client.get(url("kk", feed, slug=event.slug)),
        client.get(url("kk", "programme_item_ics", slug=event.slug, item=item.pk)),
        client.get(url("kk", "event", slug=event.slug)),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 200]
