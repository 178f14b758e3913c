"""Who took part: checked in at the door or by the letter's QR code, read from the video
platform's participant report, marked by hand, or taken from the programme (speakers and the
moderator).

Attendance is recorded once per person and round table (a unique constraint): a second check-in,
however it comes (two organisers tapping at once), is "already checked in", never an error.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Attendance, Mode, Registration
from speakers.models import Participation

NAME_FIELDS = ("surname", "given_name", "patronymic")
NAME_LANGUAGES = ("kk", "ru", "en")
SEARCH_RESULTS_AT_MOST = 30

# The columns of Zoom's and Teams' participant reports (and their Russian versions), lower-cased.
NAME_COLUMNS = ("name (original name)", "name", "full name", "participant", "имя", "полное имя")
EMAIL_COLUMNS = ("user email", "email", "e-mail", "email address", "электронная почта", "почта")
# Zoom writes 12/06/2026 10:03:15 AM, Teams 12/6/26, 10:03:15 AM, others ISO or Russian dates.
JOIN_TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
JOIN_COLUMNS = ("join time", "first join", "first join time", "время входа", "первый вход")


def check_in(event, person, source, *, mode=Mode.ONSITE, by=None, at=None):
    """Record that `person` takes part in `event`. Returns (attendance, created): an earlier
    record is kept as it is."""
    record = {"source": source, "mode": mode, "checked_in_by": by}
    if at is not None:
        record["checked_in_at"] = at
    try:
        with transaction.atomic():
            return Attendance.objects.get_or_create(event=event, person=person, defaults=record)
    except IntegrityError:  # checked in by someone else at the same moment
        return Attendance.objects.get(event=event, person=person), False


def participations(event):
    """The round table's participations with their people, each with `is_waiting`: it is only
    a waiting-list registrant's, with no seat and no role an organiser gave (listed, speaker,
    moderator). The door does not check such a person in."""
    waiting = Registration.objects.filter(
        event_id=OuterRef("event_id"),
        person_id=OuterRef("person_id"),
        status=Registration.Status.WAITING,
    )
    without_role = Q(is_listed=False, is_speaker=False, is_moderator=False)
    is_waiting = ExpressionWrapper(Exists(waiting) & without_role, output_field=BooleanField())
    return (
        Participation.objects.filter(event=event)
        .select_related("person")
        .annotate(is_waiting=is_waiting)
    )


def has_seat(event, person):
    """Whether the door may check `person` in: a participant of the round table who is not only
    waiting for a seat (a registrant who cancelled has no participation left)."""
    participation = participations(event).filter(person=person).first()
    return participation is not None and not participation.is_waiting


def search(event, query):
    """The event's participants and registrants whose name holds every word of `query`, in any
    language's spelling, whatever the case; with their attendance, and whether they only wait
    for a seat (shown as such, so that the organiser can tell them why, never checked in)."""
    words = query.split()
    if not words:
        return []
    matches = Q()
    for word in words:
        any_spelling = Q()
        for name in NAME_FIELDS:
            for code in NAME_LANGUAGES:
                any_spelling |= Q(**{f"person__{name}_{code}__icontains": word})
        matches &= any_spelling
    found = list(
        participations(event)
        .filter(matches)
        .order_by("person__surname", "person__given_name", "pk")[:SEARCH_RESULTS_AT_MOST]
    )
    attended = set(
        Attendance.objects.filter(
            event=event, person_id__in=[p.person_id for p in found]
        ).values_list("person_id", flat=True)
    )
    return [
        {"person": p.person, "checked_in": p.person_id in attended, "waiting": p.is_waiting}
        for p in found
    ]


def mark_programme(event, by=None):
    """Everyone the programme names as speaker or moderator took part. Returns how many were
    newly marked."""
    named = participations(event).filter(Q(is_speaker=True) | Q(is_moderator=True))
    return sum(
        check_in(event, participation.person, Attendance.Source.PROGRAMME, by=by)[1]
        for participation in named
    )


@dataclass
class ImportReport:
    marked: int = 0
    already: int = 0
    unmatched: list = field(default_factory=list)  # (line, name, e-mail)


def read_report(data):
    """The rows of a participant report (bytes) as dicts with "name", "email", "joined", and
    their line numbers. UTF-8 (with or without BOM) or UTF-16 (Teams); comma, semicolon or tab.
    Raises ValidationError saying what is wrong."""
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else None
        text = text if text is not None else data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not a CSV file in UTF-8 or UTF-16.")) from error
    lines = text.splitlines()
    # Teams puts a summary above the table: the table starts at the line naming the columns.
    start = next((n for n, line in enumerate(lines) if header_columns(line)), None)
    if start is None:
        raise ValidationError(
            _("No line of the file names the columns: a name or an e-mail column is needed.")
        )
    table = "\n".join(lines[start:])
    delimiter = max(",;\t", key=lines[start].count)
    reader = csv.reader(io.StringIO(table), delimiter=delimiter)
    headers = [cell.strip().lower() for cell in next(reader)]
    known = {"name": NAME_COLUMNS, "email": EMAIL_COLUMNS, "joined": JOIN_COLUMNS}
    columns = {
        key: next((headers.index(name) for name in names if name in headers), None)
        for key, names in known.items()
    }
    rows = []
    for number, cells in enumerate(reader, start=start + 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(headers):
            raise ValidationError(
                _("Line %(line)s has %(found)s columns, the header %(expected)s.")
                % {"line": number, "found": len(cells), "expected": len(headers)}
            )
        row = {
            key: cells[index].strip() if index is not None else "" for key, index in columns.items()
        }
        row["joined"] = join_time(row["joined"], number)
        rows.append((number, row))
    return rows


def header_columns(line):
    cells = re.split(r"[,;\t]", line)
    return any(cell.strip().strip('"').lower() in (*NAME_COLUMNS, *EMAIL_COLUMNS) for cell in cells)


def join_time(text, line):
    """The moment a report's join time names, in the portal's time zone; None when empty."""
    if not text:
        return None
    for pattern in JOIN_TIME_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    raise ValidationError(
        _("Line %(line)s: the join time “%(text)s” is not a date and time.")
        % {"line": line, "text": text}
    )


def spellings(person):
    """The person's name as video platforms show it: "Surname Given", "Given Surname", lower."""
    names = set()
    for code in NAME_LANGUAGES:
        surname = getattr(person, f"surname_{code}", "") or ""
        given = getattr(person, f"given_name_{code}", "") or ""
        if surname and given:
            names |= {f"{surname} {given}".lower(), f"{given} {surname}".lower()}
            patronymic = getattr(person, f"patronymic_{code}", "") or ""
            if patronymic:
                names.add(f"{surname} {given} {patronymic}".lower())
    return names


def import_online(event, data, by=None):
    """Mark as online participants the people of a video platform's report (bytes), matched by
    e-mail address, then by name. All or nothing: a file that cannot be read marks nobody.
    Returns an ImportReport with the rows that matched nobody."""
    rows = read_report(data)
    people = [p.person for p in participations(event)]
    registrants = Registration.objects.filter(event=event, person__isnull=False).exclude(
        status=Registration.Status.CANCELLED
    )
    by_email = {person.email.lower(): person for person in people if person.email}
    by_person = {person.pk: person for person in people}
    for registration in registrants:
        if registration.person_id in by_person:
            by_email.setdefault(registration.email.lower(), by_person[registration.person_id])
    by_name = {}
    for person in people:
        for name in spellings(person):
            by_name.setdefault(name, person)
    report = ImportReport()
    with transaction.atomic():
        for number, row in rows:
            name = " ".join(row["name"].split()).lower()
            person = by_email.get(row["email"].lower()) if row["email"] else None
            person = person or by_name.get(name)
            if person is None:
                report.unmatched.append((number, row["name"], row["email"]))
                continue
            _attendance, created = check_in(
                event,
                person,
                Attendance.Source.ONLINE_IMPORT,
                mode=Mode.ONLINE,
                by=by,
                at=row["joined"],
            )
            if created:
                report.marked += 1
            else:
                report.already += 1
    return report
