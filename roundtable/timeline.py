"""The timeline editor's rules (a round table's day in the admin, RoundTableAdmin's timeline):
what the page shows of the day, and moves checked as the forms check them (schedule.find_clash,
then the database's exclusion constraint, the authority), plus the double booking of a person in
two rooms at once, refused with the nearest time that is free.

A move names the version of the day it was made on: a digest of what the timeline shows (times,
rooms, speakers, chairs). A move over someone else's newer change of the day is refused, while
changes the timeline does not show (a paper uploaded, a title corrected) leave it alone, as the
round table's data version would not.
"""

import contextlib
import datetime
from collections import Counter
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import concurrent_edits
from roundtable import schedule
from roundtable.models import ProgrammeItem, RoundTable

STEP = 5  # minutes: the grid blocks snap to, and what a key moves a block by
LENGTH = 15  # minutes an item without a time is given when it is placed, if no talk is timed
MARGIN = 60  # minutes of the time axis after the last item, to drag items later
LAST = 23 * 60 + 55  # the latest end on the grid: times of day end before midnight


def minutes_of(time):
    return time.hour * 60 + time.minute


def time_of(minutes):
    return datetime.time(minutes // 60, minutes % 60)


def hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def title_of(item):
    """The title in the talk's own language (roundtable/title_fields.py), else as the active
    language shows it, else the speakers or the kind."""
    own = item.title_language and getattr(item, f"title_{item.title_language}", "")
    if own:
        return {"text": own, "lang": item.title_language}
    return {"text": item.label, "lang": ""}


class Refused(Exception):
    """A move the rules refuse, with the message for the organiser and, when there is one, the
    nearest place that would be accepted (`fix`: a move)."""

    def __init__(self, message, *, fix=None, stale=False):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.stale = stale

    def as_data(self):
        return {
            "error": self.message,
            "fix": self.fix.as_data() if self.fix else None,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class Move:
    """An item to `start`–`end` (minutes of the day) in `room` (None: the hall). `later` pushes
    the items of that room from the new start on out of the way (the shift rule); `shift` is an
    explicit (first item id, minutes) shift, which undoing a push sends. No `start` and `end`
    take the item off the timeline: the undo of placing an item that had no time."""

    item: int
    start: int | None
    end: int | None
    room: int | None
    later: bool = False
    shift: tuple[int, int] | None = None

    @classmethod
    def from_data(cls, data):
        """The move as the page sends it (as `as_data` gives it); ValueError if it is not one."""
        try:
            shift = data.get("shift")
            if (data["start"] is None) != (data["end"] is None):
                raise ValueError("not a move: a start without an end, or an end without a start")
            untimed = data["start"] is None
            return cls(
                item=int(data["item"]),
                start=None if untimed else int(data["start"]),
                end=None if untimed else int(data["end"]),
                room=None if data.get("room") is None else int(data["room"]),
                later=bool(data.get("later")),
                shift=(int(shift[0]), int(shift[1])) if shift else None,
            )
        except (TypeError, KeyError, IndexError, AttributeError) as error:
            raise ValueError(f"not a move: {error}") from error

    def as_data(self):
        return {
            "item": self.item,
            "start": self.start,
            "end": self.end,
            "room": self.room,
            "later": self.later,
            "shift": list(self.shift) if self.shift else None,
        }


class Day:
    """A round table's timed programme with its rooms, chairs and the people in it."""

    def __init__(self, event, *, lock=False):
        self.event = event
        items = ProgrammeItem.objects.filter(event=event).prefetch_related("speakers")
        if lock:
            items = items.select_for_update(of=("self",))
        self.items = list(items)
        self.rooms = list(event.rooms.select_related("chair"))
        self.chairs = event.chairs(self.rooms)
        self.people = {person.pk: person for item in self.items for person in item.speakers.all()}
        self.people |= {person.pk: person for person in self.chairs.values()}

    @property
    def timed(self):
        return [item for item in self.items if schedule.is_timed(item)]

    def item(self, pk):
        return next((item for item in self.items if item.pk == pk), None)

    def room_name(self, room_id):
        if room_id is None:
            return _("Main hall")
        return next(str(room) for room in self.rooms if room.pk == room_id)

    def chair_of(self, room_id):
        """The id of the person who chairs the items of a room (RoundTable.chairs), or None."""
        chair = self.chairs.get(room_id)
        return chair.pk if chair else None

    def people_of(self, item):
        people = {person.pk for person in item.speakers.all()}
        chair = self.chair_of(item.room_id)
        if chair is not None and item.kind != ProgrammeItem.Kind.BREAK:
            people.add(chair)
        return people

    @property
    def length(self):
        """The minutes an item without a time takes when it is placed: as long as most of the
        day's talks."""
        lengths = Counter(
            minutes_of(item.end) - minutes_of(item.start)
            for item in self.timed
            if item.kind == ProgrammeItem.Kind.TALK
        )
        return lengths.most_common(1)[0][0] if lengths else LENGTH

    @property
    def version(self):
        state = [
            [
                [i.pk, str(i.start), str(i.end), i.room_id, sorted(self.people_of(i))]
                for i in self.items
            ],
            [[room.pk, room.chair_id] for room in self.rooms],
            self.chair_of(None),
        ]
        return concurrent_edits.digest(state)

    # --- Double bookings ---------------------------------------------------------------------

    def double_bookings(self, item, start=None, end=None):
        """(person id, other item) for each person of `item` (at `start`–`end`, by default its
        own time) who is in an overlapping item of another room."""
        if not schedule.is_timed(item):
            return []
        start = item.start if start is None else start
        end = item.end if end is None else end
        mine = self.people_of(item)
        return [
            (person, other)
            for other in self.timed
            if other.pk != item.pk
            and other.room_id != item.room_id
            and start < other.end
            and other.start < end
            for person in sorted(mine & self.people_of(other))
        ]

    def booking_message(self, person, other):
        values = {
            "person": self.people[person].short_name,
            "room": self.room_name(other.room_id),
            "start": other.start.strftime("%H:%M"),
            "end": other.end.strftime("%H:%M"),
        }
        if any(speaker.pk == person for speaker in other.speakers.all()):
            return _("%(person)s is speaking in %(room)s at %(start)s–%(end)s.") % values
        return _("%(person)s chairs %(room)s at %(start)s–%(end)s.") % values

    def free_start(self, item):
        """The earliest start from `item`'s own on which it, as long as it is, overlaps nothing
        in its room and double-books nobody; None when the day has no such time."""
        length = minutes_of(item.end) - minutes_of(item.start)
        start = minutes_of(item.start)
        while start + length <= LAST:
            begins, ends = time_of(start), time_of(start + length)
            in_the_way = [
                other
                for other in self.timed
                if other.pk != item.pk
                and begins < other.end
                and other.start < ends
                and other.room_id == item.room_id
            ] + [other for _person, other in self.double_bookings(item, begins, ends)]
            if not in_the_way:
                return start
            start = max(minutes_of(other.end) for other in in_the_way)
        return None

    def warnings(self):
        """What is wrong with the day as stored: people in two rooms at once."""
        found = []
        for item in self.timed:
            for person, other in self.double_bookings(item):
                if (other.start, other.pk) > (item.start, item.pk):
                    found.append(
                        {
                            "items": [item.pk, other.pk],
                            "message": _(
                                "%(person)s is in two places at once: “%(first)s” "
                                "(%(first_room)s) and “%(second)s” (%(second_room)s)."
                            )
                            % {
                                "person": self.people[person].short_name,
                                "first": title_of(item)["text"],
                                "first_room": self.room_name(item.room_id),
                                "second": title_of(other)["text"],
                                "second_room": self.room_name(other.room_id),
                            },
                        }
                    )
        return found

    # --- What the page shows -----------------------------------------------------------------

    def axis(self):
        """The first and last minute of the time axis, on the half hour."""
        timed = self.timed
        first = min([minutes_of(self.event.start), *(minutes_of(i.start) for i in timed)])
        last = max([first + 4 * 60, *(minutes_of(i.end) + MARGIN for i in timed)])
        return first - first % 30, min(last + (-last) % 30, LAST)

    def as_data(self):
        first, last = self.axis()
        return {
            "version": self.version,
            "step": STEP,
            "from": first,
            "to": last,
            "length": self.length,
            "rooms": [
                {"id": None, "name": self.room_name(None), "chair": self.chair_of(None)},
                *(
                    {"id": room.pk, "name": str(room), "chair": room.chair_id}
                    for room in self.rooms
                ),
            ],
            "items": [
                {
                    **self.item_data(item),
                    "start": minutes_of(item.start),
                    "end": minutes_of(item.end),
                    "room": item.room_id,
                }
                for item in self.timed
            ],
            # The items with no time yet, which the page offers to drag onto the grid.
            "untimed": [self.item_data(item) for item in self.items if not schedule.is_timed(item)],
            "people": {pk: person.short_name for pk, person in self.people.items()},
            "warnings": self.warnings(),
        }

    def item_data(self, item):
        return {
            "id": item.pk,
            "kind": item.kind,
            "talk": item.kind == ProgrammeItem.Kind.TALK,
            "title": title_of(item),
            "speakers": [person.pk for person in item.speakers.all()],
            "people": sorted(self.people_of(item)),
            "url": reverse("admin:roundtable_programmeitem_change", args=[item.pk]),
        }

    # --- Moves -------------------------------------------------------------------------------

    def pushed_by(self, item):
        """The first item of `item`'s room from its start on, and the minutes that item and the
        later ones move for it to begin when `item` ends; None when nothing is in the way."""
        later = [
            other
            for other in self.timed
            if other.pk != item.pk and other.room_id == item.room_id and other.start >= item.start
        ]
        if not later:
            return None
        first = min(later, key=lambda other: (other.start, other.pk))
        minutes = minutes_of(item.end) - minutes_of(first.start)
        return (first, minutes) if minutes > 0 else None

    def apply(self, move):
        """Saves `move` if the rules allow it (raises Refused otherwise); returns its undo."""
        item = self.item(move.item)
        if item is None:
            raise Refused(_("This item is no longer in the programme."))
        if move.room is not None and move.room not in {room.pk for room in self.rooms}:
            raise Refused(_("There is no such room in this round table."))
        if move.start is not None and not 0 <= move.start < move.end <= LAST:
            raise Refused(_("The end must be after the start, within the day."))
        if schedule.is_timed(item):
            before = Move(item.pk, minutes_of(item.start), minutes_of(item.end), item.room_id)
        else:
            before = Move(item.pk, None, None, item.room_id)
        if move.start is None:
            item.start = item.end = None
            item.room_id = move.room
            item.save(update_fields=["start", "end", "room"])
            return before
        if move.later and not move.shift and (refusal := self.push_refusal(item, move)):
            raise refusal
        item.start, item.end = time_of(move.start), time_of(move.end)
        item.room_id = move.room
        # Only the place: a title edited meanwhile in a form is not written back.
        item.save(update_fields=["start", "end", "room"])
        push = None
        if move.shift:
            first = self.item(move.shift[0])
            push = (first, move.shift[1]) if first else None
        elif move.later:
            push = self.pushed_by(item)
        shifted = []
        if push:
            try:
                moved = schedule.shift_from(push[0], push[1], keep=item)
            except ValidationError as error:
                raise Refused(" ".join(error.messages)) from error
            # The day's own copies take the new times: they hold the speakers already read.
            shifted = [self.item(other.pk) for other in moved]
            for mine, other in zip(shifted, moved, strict=True):
                mine.start, mine.end = other.start, other.end
        for changed in [item, *shifted]:
            if clash := schedule.find_clash(changed, self.items):
                raise Refused(schedule.clash_error(changed, clash).messages[0])
            if bookings := self.double_bookings(changed):
                raise self.booking_refusal(changed, bookings, offer=not shifted)
        if push:
            return replace(before, shift=(push[0].pk, -push[1]))
        return before

    @contextlib.contextmanager
    def supposing(self, item, start, end, room, further=0):
        """The day, in memory only, with `item` at `start`–`end` in `room` and the later items of
        that room pushed out of its way by the shift rule (schedule.shift), `further` minutes
        more. Yields the push, (first item pushed, minutes), with the items that moved, `item`
        first; the push is None when nothing is in the way, the items None when the push would
        take one out of the day."""
        kept = [(other, other.start, other.end, other.room_id) for other in self.items]
        try:
            item.start, item.end, item.room_id = time_of(start), time_of(end), room
            moved, push = [item], self.pushed_by(item)
            if push:
                push = (push[0], push[1] + further)
                try:
                    moved += schedule.shift(self.items, *push, keep=item)
                except ValidationError:
                    moved = None
            yield push, moved
        finally:
            for other, begins, ends, in_room in kept:
                other.start, other.end, other.room_id = begins, ends, in_room

    def push_refusal(self, item, move):
        """The refusal of `move` with the later items pushed when the items it pushes would put
        someone in two rooms at once; it offers to push them further, as little as frees them.
        None when the push books nobody twice (or the other rules have the say)."""
        with self.supposing(item, move.start, move.end, move.room) as (push, moved):
            if push is None or moved is None or self.double_bookings(item):
                return None
            bookings = [found for changed in moved[1:] if (found := self.double_bookings(changed))]
            if not bookings:
                return None
            message = " ".join(self.booking_message(person, other) for person, other in bookings[0])
        first = push[0]  # back where it is stored, now that the supposition is over
        for further in range(STEP, LAST, STEP):
            with self.supposing(item, move.start, move.end, move.room, further) as (push, moved):
                if moved is None:
                    break
                if any(self.double_bookings(changed) for changed in moved):
                    continue
            question = _("Move the later items of %(room)s on, to begin at %(time)s?") % {
                "room": self.room_name(move.room),
                "time": hhmm(minutes_of(first.start) + push[1]),
            }
            fix = Move(item.pk, move.start, move.end, move.room, shift=(first.pk, push[1]))
            return Refused(f"{message} {question}", fix=fix)
        return Refused(message)

    def booking_refusal(self, item, bookings, *, offer):
        message = " ".join(self.booking_message(person, other) for person, other in bookings)
        start = self.free_start(item) if offer else None
        if start is None:
            return Refused(message)
        length = minutes_of(item.end) - minutes_of(item.start)
        question = (
            _("Move this talk to %(time)s?")
            if item.kind == ProgrammeItem.Kind.TALK
            else _("Move this item to %(time)s?")
        ) % {"time": hhmm(start)}
        fix = Move(item.pk, start, start + length, item.room_id)
        return Refused(f"{message} {question}", fix=fix)


def day(event):
    return Day(event).as_data()


def move(event, move, version):
    """Applies `move` to `event`'s day if the day is still as it was at `version`; returns the
    move that undoes it. Raises Refused, saving nothing, when a rule or the database refuses."""
    try:
        with transaction.atomic():
            # Moves of one day wait for each other; the items are locked against the forms.
            list(RoundTable.objects.select_for_update().filter(pk=event.pk).values_list("pk"))
            current = Day(event, lock=True)
            if current.version != version:
                raise Refused(
                    _(
                        "Someone else changed this day's programme after you opened it. The "
                        "timeline now shows their changes; make your move again."
                    ),
                    stale=True,
                )
            undo = current.apply(move)
            with connection.cursor() as cursor:
                # The deferred check of overlaps now, while its refusal can still be answered.
                cursor.execute("SET CONSTRAINTS programme_items_do_not_overlap IMMEDIATE")
    except IntegrityError as error:
        raise Refused(
            _("The move would make two items of one room overlap: it was not saved.")
        ) from error
    return undo


def phrases():
    """The sentences timeline.js says, in the active language; `{name}` marks what it fills in."""
    return {
        "overlaps": _("Overlaps “{title}” ({start}–{end}) in this room."),
        "double": _("{person} is also in “{title}” ({room}, {start}–{end})."),
        "push": _(
            "“{title}” would overlap “{other}” ({start}–{end}). Move the later items of {room} "
            "too, or cancel?"
        ),
        "fix": _("Move it to {time}"),
        "further": _("Move the later items on, to begin at {time}"),
        "saved": _("Saved: “{title}”, {start}–{end}, {room}."),
        "undone": _("Undone: “{title}” is back at {start}–{end}, {room}."),
        "place": _("“{title}”: {start}–{end}, {room}."),
        "pending": _("“{title}”: {start}–{end}, {room}. Enter saves, Escape puts it back."),
        "failed": _("The move could not be sent; check the connection and try again."),
        "unplaced": _("Undone: “{title}” is off the timeline again."),
        "chair": _("Chair: {person}"),
    }
