"""What is on now and next, at fixed moments of the round table's day (roundtable/now_next.py)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from roundtable import now_next
from roundtable.models import ProgrammeItem, RoundTable
from roundtable.now_next import Phase
from tests.factories import ProgrammeItemFactory, RoundTableFactory, release, superuser
from tests.pages import page, text_of
from tests.roles import ROLES, user_in

ALMATY = ZoneInfo("Asia/Almaty")
UTC = datetime.UTC


def almaty(day, hour, minute=0, second=0):
    return datetime.datetime(2025, 5, day, hour, minute, second, tzinfo=ALMATY)


def item(title, start, end, kind=ProgrammeItem.Kind.TALK):
    return ProgrammeItem(title_en=title, kind=kind, start=start, end=end)


@pytest.fixture
def event():
    return RoundTable(date=datetime.date(2025, 5, 23), start=datetime.time(9, 0))


@pytest.fixture
def items():
    """An opening, a talk, a gap of half an hour, a last talk, and an untimed closing."""
    t = datetime.time
    return [
        item("Closing", None, None, ProgrammeItem.Kind.CLOSING),
        item("Talk B", t(10, 0), t(10, 20)),  # out of order: slots sort them
        item("Opening", t(9, 0), t(9, 10), ProgrammeItem.Kind.OPENING),
        item("Talk A", t(9, 10), t(9, 30)),
    ]


def state_at(event, items, now):
    return now_next.at(now_next.slots(event, items), now)


def titles(state):
    return (
        state.current.item.title_en if state.current else None,
        state.following.item.title_en if state.following else None,
    )


def test_slots_leave_untimed_items_out_and_are_in_almaty(event, items):
    slots = now_next.slots(event, items)
    assert [slot.item.title_en for slot in slots] == ["Opening", "Talk A", "Talk B"]
    assert slots[0].starts_at == datetime.datetime(2025, 5, 23, 4, 0, tzinfo=UTC)
    assert slots[0].starts_at.utcoffset() == datetime.timedelta(hours=5)


@pytest.mark.parametrize(
    ("now", "phase", "shown", "minutes"),
    [
        (almaty(22, 23, 59), Phase.BEFORE, (None, "Opening"), None),
        (almaty(23, 7, 59), Phase.BEFORE, (None, "Opening"), None),  # 61 minutes
        (almaty(23, 8, 0), Phase.BEFORE, (None, "Opening"), 60),
        (almaty(23, 8, 59, 1), Phase.BEFORE, (None, "Opening"), 1),  # rounded up
        (almaty(23, 9, 0), Phase.DURING, ("Opening", "Talk A"), 10),
        (almaty(23, 9, 9, 59), Phase.DURING, ("Opening", "Talk A"), 1),
        (almaty(23, 9, 10), Phase.DURING, ("Talk A", "Talk B"), 50),  # an item's end: the next on
        (almaty(23, 9, 29), Phase.DURING, ("Talk A", "Talk B"), 31),
        (almaty(23, 9, 30), Phase.BETWEEN, (None, "Talk B"), 30),
        (almaty(23, 9, 59), Phase.BETWEEN, (None, "Talk B"), 1),
        (almaty(23, 10, 0), Phase.DURING, ("Talk B", None), None),
        (almaty(23, 10, 20), Phase.ENDED, (None, None), None),
        (almaty(24, 0, 0), Phase.ENDED, (None, None), None),
    ],
)
def test_now_and_next_through_the_day(event, items, now, phase, shown, minutes):
    state = state_at(event, items, now)
    assert state.phase == phase
    assert titles(state) == shown
    assert state.minutes_to_next == minutes


def test_a_moment_in_another_time_zone_is_the_same_moment(event, items):
    # 04:15 UTC is 09:15 in Almaty (UTC+5): Talk A is on.
    utc = state_at(event, items, datetime.datetime(2025, 5, 23, 4, 15, tzinfo=UTC))
    assert titles(utc) == ("Talk A", "Talk B")
    moscow = datetime.datetime(2025, 5, 23, 7, 15, tzinfo=ZoneInfo("Europe/Moscow"))
    assert state_at(event, items, moscow) == utc


def test_the_countdown_runs_across_midnight(event):
    early = [item("Night talk", datetime.time(0, 20), datetime.time(0, 40))]
    state = state_at(event, early, almaty(22, 23, 50))
    assert (state.phase, state.minutes_to_next) == (Phase.BEFORE, 30)


def test_a_programme_without_times_has_no_now_and_next(event):
    assert state_at(event, [item("Closing", None, None)], almaty(23, 9)) is None
    assert now_next.shown(event, [], almaty(23, 9)).status == ""


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (almaty(21, 12), "The round table begins on 23 May 2025 at 09:00."),
        (almaty(22, 23, 59), "The round table begins on 23 May 2025 at 09:00."),
        # 20:00 UTC on the 22nd is already the 23rd in Almaty.
        (
            datetime.datetime(2025, 5, 22, 20, 0, tzinfo=UTC),
            "The round table begins today at 09:00.",
        ),
        (almaty(23, 8, 30), "The round table begins today at 09:00."),
        (almaty(23, 9, 15), ""),
        (almaty(23, 9, 45), ""),
        (almaty(23, 10, 20), "The round table has ended."),
    ],
)
def test_what_the_block_says(event, items, now, status):
    assert now_next.shown(event, items, now).status == status


def test_the_countdown_in_words(event, items):
    assert now_next.shown(event, items, almaty(23, 8, 59)).countdown == "in 1 minute"
    assert now_next.shown(event, items, almaty(23, 9, 45)).countdown == "in 15 minutes"
    assert now_next.shown(event, items, almaty(23, 7)).countdown == ""


@pytest.mark.parametrize(
    ("language", "one", "few", "many"),
    [
        ("kk", "{n} минуттан кейін", "{n} минуттан кейін", "{n} минуттан кейін"),
        ("ru", "через {n} минуту", "через {n} минуты", "через {n} минут"),
        ("en", "in {n} minute", "in {n} minutes", "in {n} minutes"),
    ],
)
def test_the_script_gets_the_countdown_in_each_plural_form(event, items, language, one, few, many):
    with translation.override(language):
        phrases = now_next.shown(event, items, almaty(23, 9)).phrases
    assert (phrases["in_minutes_one"], phrases["in_minutes_few"], phrases["in_minutes_many"]) == (
        one,
        few,
        many,
    )


def test_the_programme_spans_from_the_start_to_the_last_end(event, items):
    slots = now_next.slots(event, items)
    assert now_next.programme_span(event, slots) == (almaty(23, 9), almaty(23, 10, 20))
    early = now_next.slots(event, [item("Early", datetime.time(8, 30), datetime.time(8, 45))])
    assert now_next.programme_span(event, early) == (almaty(23, 8, 30), almaty(23, 8, 45))
    start, end = now_next.programme_span(event, [])
    assert (start, end.date(), end.hour) == (almaty(23, 9), datetime.date(2025, 5, 23), 23)


# --- On the event page ------------------------------------------------------------------------


def block_of(html):
    """The now/next block's text as shown (its hidden rows and data left out)."""
    block = re.search(r'<section class="now-next".*?</section>', html, re.DOTALL).group(0)
    block = re.sub(r"<(div|p|ol)[^>]* hidden>.*?</\1>", "", block, flags=re.DOTALL)
    return text_of(block).strip()


@pytest.fixture
def day(db):
    event = RoundTableFactory(date=datetime.date(2025, 5, 23), start=datetime.time(9, 0))
    t = datetime.time
    ProgrammeItemFactory(event=event, start=t(9, 0), end=t(9, 10), title_ru="Открытие")
    ProgrammeItemFactory(event=event, start=t(9, 10), end=t(9, 30), title_ru="Доклад А")
    ProgrammeItemFactory(event=event, start=t(10, 0), end=t(10, 20), title_ru="Доклад Б")
    return release(event)


def test_the_event_page_says_what_is_on_without_a_script(client, clock, day):
    clock(almaty(23, 9, 5))
    block = block_of(page(client, "ru", "roundtable:event", slug=day.slug))
    assert "Сейчас Открытие 09:00–09:10" in block
    assert "Далее Доклад А 09:10 через 5 минут" in block
    assert "Время указано по Алматы (Asia/Almaty, UTC+5)." in block


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (almaty(20, 12), "Круглый стол начнётся 23 мая 2025 г. в 09:00. Далее Открытие 09:00"),
        (almaty(23, 8, 15), "Круглый стол начнётся сегодня в 09:00. Далее Открытие 09:00 через 45"),
        (almaty(23, 9, 40), "Сейчас и далее Далее Доклад Б 10:00 через 20 минут"),
        (almaty(23, 11), "Круглый стол завершён."),
    ],
)
def test_the_event_page_before_between_and_after(client, clock, day, now, shown):
    clock(now)
    assert shown in block_of(page(client, "ru", "roundtable:event", slug=day.slug))


def test_the_script_gets_every_items_moments_with_their_offset(client, clock, day):
    clock(almaty(23, 9, 5))
    html = page(client, "en", "roundtable:event", slug=day.slug)
    assert re.findall(r'data-starts="([^"]+)" data-ends="([^"]+)"', html) == [
        ("2025-05-23T09:00:00+05:00", "2025-05-23T09:10:00+05:00"),
        ("2025-05-23T09:10:00+05:00", "2025-05-23T09:30:00+05:00"),
        ("2025-05-23T10:00:00+05:00", "2025-05-23T10:20:00+05:00"),
    ]
    assert '<script src="/static/roundtable/now_next.js" defer></script>' in html


def test_the_cached_page_moves_on_with_the_minutes(client, clock, day, django_assert_num_queries):
    clock(almaty(23, 9, 5))
    with django_assert_num_queries(6):  # as test_pages counts them
        first = page(client, "ru", "roundtable:event", slug=day.slug)
    clock(almaty(23, 9, 5, 40))
    with django_assert_num_queries(1):  # the same minute: the kept page
        assert page(client, "ru", "roundtable:event", slug=day.slug) == first
    clock(almaty(23, 9, 12))
    with django_assert_num_queries(6):  # a minute later the page is made again
        later = page(client, "ru", "roundtable:event", slug=day.slug)
    assert "Сейчас Доклад А" in block_of(later)


def test_a_programme_without_times_has_no_block(client, clock, db):
    event = RoundTableFactory()
    ProgrammeItemFactory(event=event, start=None, end=None, kind="closing")
    release(event)
    clock(almaty(23, 9, 5))
    assert 'class="now-next"' not in page(client, "en", "roundtable:event", slug=event.slug)


@pytest.mark.parametrize("role", [*ROLES, "superuser"])
def test_no_public_page_shows_the_online_link(client, clock, day, role):
    day.online_link = "https://meet.example.kz/j/secret-room"
    day.save()
    clock(almaty(23, 9, 5))  # the link's time
    user = superuser() if role == "superuser" else user_in(role, day)
    if user.is_authenticated:
        client.force_login(user)
    for name in ("roundtable:event", "roundtable:speakers", "roundtable:participants"):
        assert "secret-room" not in page(client, "kk", name, slug=day.slug)
    assert "secret-room" not in client.get(f"/api/v1/events/{day.slug}/").text
