"""Schedule releases: the organisers' draft programme frozen as the version the public sees.

The ProgrammeItem rows are the draft; `release` copies them into a ScheduleRelease (version 1,
2, … per round table) of ReleasedItem rows and makes it the round table's current release, which
every public page, feed and printed programme reads. What changed since the previous release
(`changes`) is listed on the event page, shown to the organiser before they release
(`pending_changes`), counted in each item's revision (SEQUENCE in iCalendar) and written to the
speakers whose talk's time, room or co-speakers changed (`write_letters`, a task that retries).
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.tasks import task

from portal import concurrent_edits, versions
from roundtable.models import (
    ReleasedItem,
    RoundTable,
    ScheduleRelease,
    in_every_language,
    speakers_as_printed,
)
from speakers import letters
from speakers.models import Letter

logger = logging.getLogger(__name__)

# The title's columns: the title read as `title` is the active language's, with fallbacks.
TITLES = in_every_language("title")
# What a release copies of a draft item (copy_of).
RELEASED_FIELDS = ("room", "start", "end", "kind", *TITLES, "title_language", "order", "speakers")


def released_items(release):
    """The items of `release` with their speakers, in two queries; none for no release."""
    if release is None:
        return ReleasedItem.objects.none()
    return release.items.select_related("room").prefetch_related(speakers_as_printed())


@dataclass(frozen=True)
class Change:
    """One item as two versions of the programme have it: `old` None for an item added, `new`
    None for one removed."""

    old: object
    new: object

    @property
    def item(self):
        return self.new or self.old

    @property
    def added(self):
        return self.old is None

    @property
    def removed(self):
        return self.new is None

    @property
    def moved(self):
        return self.both and (self.old.start, self.old.end) != (self.new.start, self.new.end)

    @property
    def room_changed(self):
        return self.both and self.old.room_id != self.new.room_id

    @property
    def speakers_changed(self):
        return self.both and speaker_ids(self.old) != speaker_ids(self.new)

    @property
    def retitled(self):
        """Whether what the item is called changed: its title in any language, or its kind."""
        return self.both and (
            [getattr(self.old, f) or "" for f in TITLES]
            != [getattr(self.new, f) or "" for f in TITLES]
            or self.old.kind != self.new.kind
        )

    @property
    def both(self):
        return self.old is not None and self.new is not None

    @property
    def revised(self):
        """Whether a calendar holding the item must replace it."""
        return self.moved or self.room_changed or self.speakers_changed or self.retitled

    @property
    def any(self):
        return self.added or self.removed or self.revised

    @property
    def concerns_speakers(self):
        """Whether the item's speakers are told: its time, room or co-speakers changed, or it
        was taken out of the programme."""
        return self.removed or self.moved or self.room_changed or self.speakers_changed

    @property
    def concerns_chairs(self):
        """Whether the chairs of the item's rooms are told: it was added to or taken out of
        their room, or its time or speakers changed there."""
        return self.added or self.concerns_speakers

    def rooms(self):
        """The rooms the item is in, in either version (None: the round table's own hall)."""
        return {item.room_id for item in (self.old, self.new) if item is not None}

    def people(self):
        """Who speaks in the item in either version."""
        versions_of = (self.old, self.new)
        found = {p.pk: p for item in versions_of if item is not None for p in item.speakers.all()}
        return list(found.values())


def speaker_ids(item):
    return {person.pk for person in item.speakers.all()}


def compare(old, new):
    """The changes between two versions of a programme, given as {item key: item}: the items
    that changed, in the order of the new day, then those removed."""
    found = [Change(old.get(key), item) for key, item in new.items()]
    found += [Change(item, None) for key, item in old.items() if key not in new]
    return [change for change in found if change.any]


def by_key(released):
    return {item.item_key: item for item in released}


def previous(release):
    """The release before `release` (asked of the database only when there is one)."""
    if release.version == 1:
        return None
    return (
        ScheduleRelease.objects.filter(event=release.event_id, version__lt=release.version)
        .order_by("-version")
        .first()
    )


def changes(release, items=None):
    """What `release` changed since the release before it; nothing for the first. `items` are
    the release's items when they are read already (RoundTable.programme, prefetched)."""
    before = previous(release)
    if before is None:
        return []
    items = released_items(release) if items is None else items
    return compare(by_key(released_items(before)), by_key(items))


def draft_items(event):
    return event.programme_items.select_related("room").prefetch_related(speakers_as_printed())


def pending_changes(event, items=None):
    """What releasing `event`'s draft now would change; `items` are its draft items when they
    are read already (draft_items)."""
    items = draft_items(event) if items is None else items
    return compare(by_key(released_items(event.current_release)), {item.pk: item for item in items})


def draft_version(event, items):
    """The version of what releasing `event` now would publish: its draft `items` (draft_items)
    as a release copies them, and the release they would follow. The release page names it, so
    that a confirmation releases nothing its organiser was not shown (Stale)."""
    return concurrent_edits.digest(
        [
            event.current_release_id,
            [[item.pk, concurrent_edits.stored_values(item, RELEASED_FIELDS)] for item in items],
        ]
    )


class Stale(Exception):
    """The draft, or the release it follows, changed after the version named was read."""


def release(event, user, comment=None, *, seen=None):
    """Release `event`'s draft programme as its next version; returns the ScheduleRelease.

    `comment` maps languages to the comment's text. `seen` is the draft's version as the
    organiser was shown it (draft_version): when the draft or the current release has changed
    since, nothing is released and Stale is raised. The round table is locked while the version
    is checked and counted, so two releases at once get consecutive versions, and a draft item
    saved meanwhile (whose save bumps the round table's data version) waits for the release. The
    speakers' letters are written by a task once the release is committed.
    """
    with transaction.atomic():
        event = RoundTable.objects.select_for_update().get(pk=event.pk)
        items = list(draft_items(event))
        if seen is not None and draft_version(event, items) != seen:
            raise Stale
        before = event.current_release
        version = (event.releases.aggregate(last=Max("version"))["last"] or 0) + 1
        made = ScheduleRelease.objects.create(
            event=event,
            version=version,
            released_by=user,
            **{f"comment_{code}": text for code, text in (comment or {}).items()},
        )
        old = by_key(released_items(before))
        copies = []
        for item in items:
            change = Change(old.get(item.pk), item)
            prior = change.old.sequence if change.old else 0
            copies.append((copy_of(item, made, prior + (1 if change.revised else 0)), item))
        ReleasedItem.objects.bulk_create([copy for copy, _ in copies])
        ReleasedItem.speakers.through.objects.bulk_create(
            ReleasedItem.speakers.through(releaseditem_id=copy.pk, person_id=person.pk)
            for copy, item in copies
            for person in item.speakers.all()
        )
        RoundTable.objects.filter(pk=event.pk).update(current_release=made)
        versions.bump([event.pk])  # bulk writes send no signals
        if before is not None:
            transaction.on_commit(partial(enqueue_letters, made.pk))
    return made


def copy_of(item, release, sequence):
    return ReleasedItem(
        release=release,
        item=item,
        item_key=item.pk,
        room_id=item.room_id,
        start=item.start,
        end=item.end,
        kind=item.kind,
        title_language=item.title_language,
        order=item.order,
        sequence=sequence,
        **{field: getattr(item, field) for field in TITLES},
    )


# --- The speakers' letters -----------------------------------------------------------------------


def enqueue_letters(release_id):
    try:
        write_letters.enqueue(release_id)
    except Exception:
        logger.exception("The letters of schedule release %s could not be queued", release_id)


def letters_due(release):
    """{person: [their changes]} for the people `release` has to tell: the speakers of the items
    whose time, room or speakers changed, and the chairs of the rooms those items (or items
    added) are in. Someone both is told once, of each change once."""
    due = {}
    found = changes(release)
    chaired = release.event.chairs() if any(change.concerns_chairs for change in found) else {}
    for change in found:
        told = change.people() if change.concerns_speakers else []
        if change.concerns_chairs:
            told += [chaired[room] for room in change.rooms() if room in chaired]
        for person in {person.pk: person for person in told}.values():
            due.setdefault(person, []).append(change)
    return due


@task
def write_letters(release_id):
    """Write each speaker and chair `release` concerns one letter, in their language, listing
    their talks, or the items of the rooms they chair, as they were and as they are. A retried
    task writes none twice: each letter is recorded (Letter, about the release), and
    speakers/letters.py sends it, retrying."""
    with transaction.atomic():
        # Locked: a second run of the task at the same time waits, then finds the letters.
        made = (
            ScheduleRelease.objects.select_for_update().select_related("event").get(pk=release_id)
        )
        told = set(
            letters.letters_about(made)
            .filter(kind=Letter.Kind.SCHEDULE_CHANGE)
            .values_list("person_id", flat=True)
        )
        due = [
            (person, talks)
            for person, talks in letters_due(made).items()
            if person.pk not in told and person.email
        ]
        for person, talks in due:
            letters.send_letter(
                person,
                Letter.Kind.SCHEDULE_CHANGE,
                {
                    "event": made.event,
                    "release": made,
                    "changes": talks,
                    "site_url": settings.SITE_URL,
                },
                about=made,
            )
    return len(due)
