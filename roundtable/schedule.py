"""Rules of a round table's timetable.

Items are times of day on the event's date, so an item that ends after it starts lies inside the
day by construction. Items of one event never overlap: schedule rules here give the organiser a
message naming the clashing item (and see a whole programme being edited at once), while an
exclusion constraint in PostgreSQL guarantees it for every write.
"""

import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.core.exceptions import ValidationError
from django.db.models import Func
from django.utils import translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from portal import versions
from portal.templatetags.languages import written_in
from typesetting.printing import render_pdf

ANY_DAY = datetime.date(2000, 1, 1)


class TimeOfDayRange(Func):
    """`[start, end)` as a tsrange on a fixed day: PostgreSQL has no range type for times."""

    function = "tsrange"
    template = "%(function)s(DATE '2000-01-01' + %(expressions)s)"
    arg_joiner = ", DATE '2000-01-01' + "
    output_field = DateTimeRangeField()


class NoOverlapConstraint(ExclusionConstraint):
    """The database's guarantee that items do not overlap.

    Model validation skips it: `find_clash` checks the same rule with a message that names the
    clashing item, and against the programme as submitted rather than as stored, so swapping two
    items in one form is not refused.
    """

    def validate(self, *args, **kwargs):
        return None


def overlaps(item, other):
    return item.start < other.end and other.start < item.end


def is_timed(item):
    return item.start is not None and item.end is not None


def find_clash(item, others):
    """The first of `others` in `item`'s room whose time overlaps `item`'s, or None."""
    if not is_timed(item):
        return None
    return next(
        (
            other
            for other in sorted((o for o in others if is_timed(o)), key=lambda o: o.start)
            if other is not item
            and (other.pk is None or other.pk != item.pk)
            and other.room_id == item.room_id
            and overlaps(item, other)
        ),
        None,
    )


def clash_error(item, other):
    return ValidationError(
        _("%(start)s–%(end)s overlaps “%(title)s” (%(other_start)s–%(other_end)s).")
        % {
            "start": time_format(item.start, "H:i"),
            "end": time_format(item.end, "H:i"),
            "title": other.label,
            "other_start": time_format(other.start, "H:i"),
            "other_end": time_format(other.end, "H:i"),
        },
        code="overlap",
    )


def shifted(time, minutes):
    """`time` moved by `minutes`, or None when that leaves the day."""
    moment = datetime.datetime.combine(ANY_DAY, time) + datetime.timedelta(minutes=minutes)
    return moment.time() if moment.date() == ANY_DAY else None


def shift(items, first, minutes, *, keep=None):
    """The shift rule, in memory: `first` and every later item of its room among `items` (but
    `keep`) given times `minutes` later; returns them. Raises ValidationError when one would
    leave the day (those before it have moved by then)."""
    moving = [
        item
        for item in items
        if is_timed(item)
        and item.room_id == first.room_id
        and item.start >= first.start
        and (keep is None or item.pk != keep.pk)
    ]
    for item in moving:
        start, end = shifted(item.start, minutes), shifted(item.end, minutes)
        if start is None or end is None or end <= start:
            raise ValidationError(
                _("Moving “%(title)s” by %(minutes)s min would take it past the day's bounds.")
                % {"title": item.label, "minutes": minutes},
                code="outside_day",
            )
        item.start, item.end = start, end
    return moving


def shift_from(first, minutes, *, keep=None):
    """Move `first` and every later item of its room by `minutes` (negative moves earlier).

    `keep` stays where it is stored even when it starts as late: the item the timeline editor has
    just put before the items it pushes (roundtable/timeline.py).

    Returns the moved items, saved. Raises ValidationError, saving nothing, when an item would
    leave the day or land on an item that does not move.
    """
    items = list(first.event.programme_items.all())
    moving = shift(items, first, minutes, keep=keep)
    for item in moving:
        if clash := find_clash(item, items):
            raise clash_error(item, clash)
    type(first).objects.bulk_update(moving, ["start", "end"])
    versions.bump([first.event_id])  # bulk_update sends no signals
    return moving


# --- The printed programme -----------------------------------------------------------------------

# The programme is printed in Kazakh, then in Russian (each language's whole programme in turn).
PRINTED_LANGUAGES = ("kk", "ru")


def written(obj, field):
    """A translated field as the active language shows it, with the language it is written in
    (a fallback may differ), for the `lang` that hyphenation and screen readers go by."""
    return {"text": getattr(obj, field) or "", "lang": written_in(obj, field)}


def printed_person(person):
    return {
        "name": {"text": person.full_name, "lang": written_in(person, "surname")},
        "position": {
            "text": person.position_line,
            "lang": written_in(
                person, "printed_position" if person.printed_position else "position"
            ),
        },
    }


def printed_item(item):
    if item.title:
        # Talk titles are printed in the talk's own language in every programme.
        title = {"text": item.title, "lang": item.title_language or written_in(item, "title")}
    elif item.kind != item.Kind.TALK:
        title = {"text": str(item.get_kind_display()), "lang": translation.get_language()}
    else:
        title = None
    return {
        "start": item.start,
        "end": item.end,
        "title": title,
        "speakers": [printed_person(person) for person in item.speakers.all()],
    }


def printed_programme(event, language, items):
    """The programme of `event` in `language`, as `templates/print/programme_part.html` prints it:
    `items` are its released items (RoundTable.programme), or its draft ones for the organisers'
    preview.

    Reads the items' speakers, and the event's participations (for the moderator): prefetch them
    (RoundTable.objects.with_programme()) to print without a query per item.
    """
    with translation.override(language):
        moderator = event.moderator
        venue = ", ".join(part for part in (event.venue, event.address) if part)
        return {
            "language": language,
            # The PDF's title: "Бағдарлама: <theme>".
            "title": f"{_('Programme')}: {event.theme}",
            "organiser": written(event, "organiser"),
            "kind": written(event, "kind"),
            "theme": written(event, "theme"),
            "date": event.date,
            "start": event.start,
            "venue": {"text": venue, "lang": written_in(event, "venue")},
            "format": str(event.get_format_display()),
            "moderator": printed_person(moderator) if moderator else None,
            "items": [printed_item(item) for item in items],
        }


def programme_pdf(event, items, languages, draft=False):
    """The printed programme of `items` (PDF bytes), one part per language; `draft` marks each
    part as the organisers' draft, not released."""
    parts = [printed_programme(event, code, items) for code in languages]
    return render_pdf(
        "print/programme.html",
        {"parts": parts, "draft": draft},
        lang=languages[0],
        title=" / ".join(dict.fromkeys(part["title"] for part in parts)),
        authors=[part["organiser"]["text"] for part in parts[:1] if part["organiser"]["text"]],
    )
