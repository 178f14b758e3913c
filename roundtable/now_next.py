"""What is on now and what comes next, at a given moment of a round table's day.

The programme's items are times of day on the round table's date in Almaty
(`calendar.moment`); the moment asked about may be in any time zone. The page shows the answer
as the server sees it when it is made, and `static/roundtable/now_next.js` works out the same
answer again in the browser every half minute, from the moments the page carries, so a page left
open keeps up without a reload. The two must agree: the rules below are the script's too.
"""

import datetime
import math
from dataclasses import dataclass
from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roundtable import calendar, script_phrases
from roundtable.schedule import is_timed

# The label of the times the programme gives: the round tables take place in Almaty.
TIME_ZONE_LABEL = "Asia/Almaty"
# The next item says "in N minutes" when it starts within this many minutes.
COUNTDOWN_MINUTES = 60


class Phase(StrEnum):
    BEFORE = "before"  # the first item has not begun
    DURING = "during"  # an item is on
    BETWEEN = "between"  # between two items (a gap in the programme)
    ENDED = "ended"  # the last item has ended


@dataclass(frozen=True)
class Slot:
    """A timed item of the programme, with the moments it begins and ends."""

    item: object
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class NowNext:
    phase: Phase
    current: Slot | None
    following: Slot | None
    # Whole minutes until `following` begins, rounded up; None when it is further off than
    # COUNTDOWN_MINUTES.
    minutes_to_next: int | None


def slots(event, items):
    """The timed `items` of `event` as slots, in the order of their start."""
    return sorted(
        (
            Slot(item, calendar.moment(event, item.start), calendar.moment(event, item.end))
            for item in items
            if is_timed(item)
        ),
        key=lambda slot: slot.starts_at,
    )


def at(slots, now):
    """What is on at `now` (an aware datetime) among `slots`; None for a programme without
    times. An item is on from its start until just before its end."""
    if not slots:
        return None
    current = next((slot for slot in slots if slot.starts_at <= now < slot.ends_at), None)
    following = next((slot for slot in slots if slot.starts_at > now), None)
    if current is not None:
        phase = Phase.DURING
    elif following is None:
        phase = Phase.ENDED
    elif following is slots[0]:
        phase = Phase.BEFORE
    else:
        phase = Phase.BETWEEN
    return NowNext(phase, current, following, minutes_until(following, now))


def minutes_until(slot, now):
    if slot is None:
        return None
    minutes = math.ceil((slot.starts_at - now).total_seconds() / 60)
    return minutes if minutes <= COUNTDOWN_MINUTES else None


def on_its_day(slot, now):
    """Whether `now` is, in Almaty, the day `slot` begins on."""
    return now.astimezone(slot.starts_at.tzinfo).date() == slot.starts_at.date()


def programme_span(event, slots):
    """(start, end) of the round table's day: from the round table's start, or its first item's
    if earlier, to its last item's end (the end of the day when nothing is timed)."""
    start = calendar.moment(event, event.start)
    if not slots:
        return start, calendar.moment(event, datetime.time.max)
    return min(start, slots[0].starts_at), max(slot.ends_at for slot in slots)


# --- As the page says it ------------------------------------------------------------------------

IN_MINUTES = ("in %(minutes)s minute", "in %(minutes)s minutes")


def in_minutes(number):
    return ngettext(*IN_MINUTES, number) % {"minutes": number}


def phrases(event, slots):
    """The sentences the page and its script say, in the active language: the script fills in
    the minutes of `in_minutes`."""
    first = slots[0].starts_at if slots else calendar.moment(event, event.start)
    time = formats.time_format(first.time(), "H:i")
    return {
        "ended": _("The round table has ended."),
        "begins_on": _("The round table begins on %(date)s at %(time)s.")
        % {"date": formats.date_format(event.date, "DATE_FORMAT"), "time": time},
        "begins_today": _("The round table begins today at %(time)s.") % {"time": time},
        "another_zone": _("The first item begins at %(time)s by this device's clock.")
        % {"time": "{time}"},
        **script_phrases.in_every_plural(*IN_MINUTES, "minutes", "in_minutes"),
    }


def status(state, now, phrases):
    """The sentence above now and next: before the first item and after the last."""
    if state is None:
        return ""
    if state.phase == Phase.ENDED:
        return phrases["ended"]
    if state.phase == Phase.BEFORE:
        return phrases["begins_today" if on_its_day(state.following, now) else "begins_on"]
    return ""


@dataclass(frozen=True)
class Shown:
    """The now/next block of a page: the state at `now`, its sentences, and the slots the script
    works from."""

    state: NowNext | None
    status: str
    countdown: str
    phrases: dict
    slots: list
    time_zone: str = TIME_ZONE_LABEL


def shown(event, items, now):
    """The now/next block of `event` at `now`, from its programme `items` (read already)."""
    timed = slots(event, items)
    state = at(timed, now)
    said = phrases(event, timed)
    countdown = (
        in_minutes(state.minutes_to_next) if state and state.minutes_to_next is not None else ""
    )
    return Shown(state, status(state, now, said), countdown, said, timed)
