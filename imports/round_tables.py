"""Import of a round table from a YAML file: the event, its people, programme, participants and
the resolution it adopted.

The whole file is read and checked before anything is written, then everything is written in one
transaction: an import applies completely or changes nothing. Only what differs is saved, so
re-importing a file changes nothing and an edited file updates rows in place: people are matched
by their id (Person.slug), programme items by their place in the list, participations by person,
resolution sections by their number and their items by their place in the section.

The resolution of a file is the printed one, adopted at the round table: it is imported as
published, adopted on the day of the event, and a version of its text is recorded when the import
changed it.

Where the printed programme has nothing to say, a key left out keeps what the portal holds:
`published`, and the English (`en`) of a text, which organisers add in the portal.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from imports.reading import (
    LANGUAGES,
    NO_TEXT,
    LineRecordingLoader,
    Spot,
    describe,
    load,
    read_bool,
    read_choice,
    read_date,
    read_keys,
    read_list,
    read_number,
    read_slug,
    read_source,
    read_string,
    read_text,
    read_text_in,
    read_time,
    translated,
)
from resolutions import drafting
from resolutions.models import Resolution, ResolutionItem, ResolutionSection, ResolutionVersion
from roundtable import releases
from roundtable.models import ProgrammeItem, RoundTable
from roundtable.schedule import clash_error, find_clash
from speakers.models import Participation, Person
from speakers.positions import Vocabulary, read_position

# Word stems of a printed format ('Аралас (offline/ сырттай)', 'Комбинированный (offline/
# заочный)'), tried in this order; a format naming none of them is on site.
FORMAT_KEYWORDS = [
    (RoundTable.Format.MIXED, ("аралас", "комбинир", "смешан", "mixed", "hybrid")),
    (
        RoundTable.Format.REMOTE,
        ("онлайн", "online", "дистанцион", "қашықтық", "remote", "заочн", "сырттай"),
    ),
]


LineRecordingLoader.add_constructor(
    "tag:yaml.org,2002:map", LineRecordingLoader.construct_line_mapping
)
LineRecordingLoader.add_constructor(
    "tag:yaml.org,2002:seq", LineRecordingLoader.construct_line_list
)
LineRecordingLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", LineRecordingLoader.construct_yaml_timestamp
)


def read_reference(value, spot, people):
    if not isinstance(value, str) or value not in people:
        spot.fail(_("unknown person '%(id)s' (not in people)") % {"id": value})
    return value


def read_format(value, spot):
    """An enum value (on_site, remote, mixed), or the format as printed, read by its words."""
    if isinstance(value, str):
        return read_choice(value, spot, RoundTable.Format.values)
    printed = " ".join(read_text(value, spot).values()).lower()
    for event_format, keywords in FORMAT_KEYWORDS:
        if any(keyword in printed for keyword in keywords):
            return event_format
    return RoundTable.Format.ON_SITE


# --- The file as a plan of what to write ----------------------------------------------------------


@dataclass
class EventEntry:
    slug: str
    spot: Spot
    columns: dict
    moderator: str | None


@dataclass
class PersonEntry:
    slug: str
    spot: Spot
    columns: dict


@dataclass
class ItemEntry:
    spot: Spot
    columns: dict
    speaker: str | None


@dataclass
class SectionEntry:
    spot: Spot
    columns: dict
    items: list  # [(Spot, ResolutionItem columns)], in the order of the file


@dataclass
class ResolutionEntry:
    spot: Spot
    columns: dict
    sections: list[SectionEntry]


@dataclass
class Plan:
    event: EventEntry
    people: list[PersonEntry]
    programme: list[ItemEntry]
    participations: dict  # person id -> Participation columns
    resolution: ResolutionEntry | None = None


EVENT_TEXTS = {"title": "theme", "kind": "kind", "venue": "venue", "address": "address"}


def read_event(value, spot, slug, people):
    entries = read_keys(
        value,
        spot,
        ("title", "date", "start", "venue"),
        ("slug", "published", "kind", "address", "format", "moderator"),
    )
    if "slug" in entries:
        slug = read_slug(*entries["slug"])
    elif slug:
        slug = read_slug(slug, spot)
    else:
        spot.fail(_("missing key slug (or give the slug to the import, e.g. with --slug)"))
    columns = {
        "date": read_date(*entries["date"]),
        "start": read_time(*entries["start"]),
        "format": read_format(*entries["format"])
        if "format" in entries
        else RoundTable.Format.ON_SITE,
    }
    for key, field_name in EVENT_TEXTS.items():
        texts = read_text(*entries[key]) if key in entries else NO_TEXT
        columns |= translated(field_name, texts)
    if "published" in entries:
        columns["published"] = read_bool(*entries["published"])
    moderator, moderator_spot = entries.get("moderator", (None, spot))
    if moderator is not None:
        read_reference(moderator, moderator_spot, people)
    return EventEntry(slug, spot, columns, moderator)


def read_people(value, spot):
    vocabulary = Vocabulary.load()
    people, lines = [], {}
    for entry, person_spot in read_list(value, spot):
        entries = read_keys(
            entry, person_spot, ("id", "surname", "given_name"), ("patronymic", "position")
        )
        slug = read_slug(*entries["id"])
        if slug in lines:
            entries["id"][1].fail(
                _("duplicate person id '%(id)s' (first at line %(line)s)")
                % {"id": slug, "line": lines[slug]}
            )
        lines[slug] = person_spot.line
        patronymic, patronymic_spot = entries.get("patronymic", (None, person_spot))
        position = read_text(*entries["position"]) if "position" in entries else NO_TEXT
        parts = read_position(position, vocabulary)
        columns = (
            translated("surname", read_text(*entries["surname"]))
            | translated("given_name", read_text(*entries["given_name"]))
            | translated(
                "patronymic",
                dict.fromkeys(LANGUAGES, "")
                if patronymic is None
                else read_text(patronymic, patronymic_spot),
            )
            | translated("printed_position", position)
            | translated("position", parts.position)
            | {
                "degree_id": parts.degree and parts.degree.pk,
                "academic_title_id": parts.academic_title and parts.academic_title.pk,
                "rank_id": parts.rank and parts.rank.pk,
            }
        )
        people.append(PersonEntry(slug, person_spot, columns))
    return people


def read_title(value, spot, language):
    """Title columns; a title printed the same in every programme is kept in its language only
    (a string, or {language: …, en: …} with its English); English left out keeps the stored."""
    columns = translated("title", NO_TEXT)
    if value is None:
        return columns
    if isinstance(value, str):
        if not language:
            spot.fail(_("give the language of this title (language: kk, ru or en)"))
        columns[f"title_{language}"] = read_string(value, spot)
    elif language:
        columns |= translated("title", read_text_in(value, spot, language))
    else:
        columns |= translated("title", read_text(value, spot))
    return columns


def read_programme(value, spot, people):
    items = []
    for order, (entry, item_spot) in enumerate(read_list(value, spot)):
        entries = read_keys(
            entry, item_spot, ("start", "end", "kind"), ("speaker", "title", "language")
        )
        (start, start_spot), (end, end_spot) = entries["start"], entries["end"]
        if (start is None) != (end is None):
            item_spot.fail(_("give both a start and an end, or neither"))
        if start is not None:
            start, end = read_time(start, start_spot), read_time(end, end_spot)
            if end <= start:
                end_spot.fail(_("the end must be after the start"))
        language = read_choice(*entries["language"], LANGUAGES) if "language" in entries else ""
        title, title_spot = entries.get("title", (None, item_spot))
        columns = {
            "order": order,
            "start": start,
            "end": end,
            "kind": read_choice(*entries["kind"], ProgrammeItem.Kind.values),
            "title_language": language,
        } | read_title(title, title_spot, language)
        speaker, speaker_spot = entries.get("speaker", (None, item_spot))
        if speaker is not None:
            read_reference(speaker, speaker_spot, people)
        items.append(ItemEntry(item_spot, columns, speaker))
    check_overlaps(items)
    return items


def check_overlaps(items):
    """Refuse a programme whose timed items overlap, naming both items."""
    programme = [ProgrammeItem(**item.columns) for item in items]
    for item, entry in zip(programme, items, strict=True):
        if other := find_clash(item, programme):
            index = programme.index(other)
            entry.spot.fail(
                _("overlaps programme[%(index)s] at line %(line)s: %(clash)s")
                % {
                    "index": index,
                    "line": items[index].spot.line,
                    "clash": " ".join(clash_error(item, other).messages),
                }
            )


def read_participants(value, spot, people):
    listed = []
    for entry, entry_spot in read_list(value, spot):
        read_reference(entry, entry_spot, people)
        if entry in listed:
            entry_spot.fail(_("'%(id)s' is listed twice") % {"id": entry})
        listed.append(entry)
    return listed


def participations(people, event, programme, listed):
    """Who takes part and how: the listed in list order, then the others in people order."""
    speakers = {item.speaker for item in programme if item.speaker}
    unlisted = [
        person.slug
        for person in people
        if person.slug not in listed and (person.slug in speakers or person.slug == event.moderator)
    ]
    return {
        slug: {
            "is_moderator": slug == event.moderator,
            "is_speaker": slug in speakers,
            "is_listed": slug in listed,
            "order": order,
        }
        for order, slug in enumerate([*listed, *unlisted])
    }


def read_resolution(value, spot):
    """The printed resolution: title, preamble, numbered sections of {kk, ru} items, closing."""
    entries = read_keys(value, spot, ("title", "sections"), ("preamble", "closing"))
    columns = translated("title", read_text(*entries["title"]))
    for key in ("preamble", "closing"):
        columns |= translated(key, read_text(*entries[key]) if key in entries else NO_TEXT)
    sections = []
    for index, (entry, section_spot) in enumerate(read_list(*entries["sections"])):
        section = read_keys(entry, section_spot, ("number", "heading", "items"), ("lead",))
        number = read_number(*section["number"])
        if number != index + 1:
            section["number"][1].fail(
                _("expected section number %(expected)s: sections are numbered 1, 2, 3… in order")
                % {"expected": index + 1}
            )
        section_columns = {"position": number} | translated(
            "heading", read_text(*section["heading"])
        )
        section_columns |= translated(
            "lead", read_text(*section["lead"]) if "lead" in section else NO_TEXT
        )
        items = [
            (item_spot, {"position": position} | translated("text", read_text(item, item_spot)))
            for position, (item, item_spot) in enumerate(read_list(*section["items"]), start=1)
        ]
        sections.append(SectionEntry(section_spot, section_columns, items))
    return ResolutionEntry(spot, columns, sections)


def read_plan(document, slug):
    spot = Spot(1)
    entries = read_keys(
        document, spot, ("event", "people", "programme"), ("participants", "resolution")
    )
    people = read_people(*entries["people"])
    known = {person.slug for person in people}
    event = read_event(*entries["event"], slug, known)
    programme = read_programme(*entries["programme"], known)
    listed = read_participants(*entries["participants"], known) if "participants" in entries else []
    resolution = read_resolution(*entries["resolution"]) if "resolution" in entries else None
    return Plan(
        event, people, programme, participations(people, event, programme, listed), resolution
    )


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did; `created`, `updated` and `deleted` count rows per model class."""

    slug: str
    programme_items: int
    people: int
    participations: int
    resolution_sections: int = 0
    resolution_items: int = 0
    # The version of the schedule release the import made, if the programme changed.
    released: int | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def save_changes(self, instance, columns, spot):
        """Save `instance` with `columns` when it is new or any differs; whether it was saved."""
        created = instance.pk is None
        changed = {
            name: value for name, value in columns.items() if getattr(instance, name) != value
        }
        if not (created or changed):
            return False
        for name, value in changed.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            spot.fail(describe(error))
        instance.save()
        (self.created if created else self.updated)[type(instance)] += 1
        return True


def write(plan):
    result = ImportResult(
        plan.event.slug, len(plan.programme), len(plan.people), len(plan.participations)
    )
    if plan.resolution:
        result.resolution_sections = len(plan.resolution.sections)
        result.resolution_items = sum(len(section.items) for section in plan.resolution.sections)
    event = RoundTable.objects.filter(slug=plan.event.slug).first() or RoundTable(
        slug=plan.event.slug
    )
    result.save_changes(event, plan.event.columns, plan.event.spot)

    stored_people = Person.objects.in_bulk([entry.slug for entry in plan.people], field_name="slug")
    people = {}
    for entry in plan.people:
        person = stored_people.get(entry.slug) or Person(slug=entry.slug)
        result.save_changes(person, entry.columns, entry.spot)
        people[entry.slug] = person

    write_programme(event, plan.programme, people, result)
    write_participations(event, plan, people, result)
    if plan.resolution is not None:
        write_resolution(event, plan.resolution, result)
    # The file is the programme as it stands: released, as an organiser would, when it differs
    # from what the public sees.
    if releases.pending_changes(event):
        result.released = releases.release(event, None).version
    return result


def write_programme(event, programme, people, result):
    """Items keep their place in the list as `order`; items beyond the list are deleted."""
    stored, stale = {}, []
    for item in event.programme_items.order_by("order", "pk").prefetch_related("speakers"):
        if item.order < len(programme) and item.order not in stored:
            stored[item.order] = item
        else:
            stale.append(item.pk)
    ProgrammeItem.objects.filter(pk__in=stale).delete()
    result.deleted[ProgrammeItem] += len(stale)
    for order, entry in enumerate(programme):
        item = stored.get(order) or ProgrammeItem(event=event)
        saved = result.save_changes(item, entry.columns, entry.spot)
        speakers = [people[entry.speaker]] if entry.speaker else []
        if {person.pk for person in item.speakers.all()} != {person.pk for person in speakers}:
            item.speakers.set(speakers)
            if not saved:
                result.updated[ProgrammeItem] += 1


def write_participations(event, plan, people, result):
    """The moderator is saved last: an event has one moderator at any moment."""
    spots = {entry.slug: entry.spot for entry in plan.people}
    wanted = {people[slug].pk for slug in plan.participations}
    stored = {
        participation.person_id: participation for participation in event.participations.all()
    }
    stale = [participation.pk for person, participation in stored.items() if person not in wanted]
    Participation.objects.filter(pk__in=stale).delete()
    result.deleted[Participation] += len(stale)
    for slug, columns in sorted(
        plan.participations.items(), key=lambda entry: entry[1]["is_moderator"]
    ):
        person = people[slug]
        participation = stored.get(person.pk) or Participation(event=event, person=person)
        result.save_changes(participation, columns, spots[slug])


def by_position(rows, count):
    """Stored rows keyed by position 1..count, and the pks of the others (beyond or repeated)."""
    kept, stale = {}, []
    for row in rows:
        if 1 <= row.position <= count and row.position not in kept:
            kept[row.position] = row
        else:
            stale.append(row.pk)
    return kept, stale


def write_resolution(event, entry, result):
    """The resolution as printed: published, adopted on the day of the round table.

    Sections are matched by their number, items by their place in the section; sections and
    items beyond the file are deleted. A version is recorded when the text changed.
    """
    resolution = Resolution.objects.filter(event=event).first() or Resolution(event=event)
    columns = entry.columns | {
        "status": Resolution.Status.PUBLISHED,
        "adopted_on": event.date,
        "adopted_by_id": None,
    }
    changed = result.save_changes(resolution, columns, entry.spot)

    sections, stale = by_position(
        resolution.sections.order_by("position", "pk"), len(entry.sections)
    )
    changed |= write_stale(ResolutionSection, stale, result)
    for position, section_entry in enumerate(entry.sections, start=1):
        section = sections.get(position) or ResolutionSection(resolution=resolution)
        changed |= result.save_changes(section, section_entry.columns, section_entry.spot)
        items, stale = by_position(
            section.items.order_by("position", "pk"), len(section_entry.items)
        )
        changed |= write_stale(ResolutionItem, stale, result)
        for item_position, (item_spot, item_columns) in enumerate(section_entry.items, start=1):
            item = items.get(item_position) or ResolutionItem(section=section)
            changed |= result.save_changes(item, item_columns, item_spot)
    if changed:
        drafting.record_version(resolution, occasion=ResolutionVersion.Occasion.IMPORT)


def write_stale(model, pks, result):
    """Delete the rows `pks` of `model`; whether there were any."""
    model.objects.filter(pk__in=pks).delete()
    result.deleted[model] += len(pks)
    return bool(pks)


def import_roundtable(source, *, slug=None):
    """Import the round table described by `source`, a Path to a YAML file or the YAML text.

    `slug` addresses the round table when the file has no `event.slug`. Raises ImportFailed,
    having written nothing, when the file cannot be imported.
    """
    text = read_source(source) if isinstance(source, Path) else source
    plan = read_plan(load(text), slug)
    with transaction.atomic():
        return write(plan)
