"""A round table's programme and participants as spreadsheets, for organisers.

CSV in UTF-8 with a byte order mark, so that Excel reads Kazakh and Russian letters right, and
semicolon-separated (portal/spreadsheets.py) like the papers' list, as Excel on a Kazakh or
Russian Windows splits it; scripts read them with any CSV reader (skip the BOM: Python's
"utf-8-sig"; delimiter ";"). The participant list also comes as XLSX. Names, titles and
positions come in a Kazakh and a Russian column each, as the printed programme in that
language shows them (its fallbacks included: a talk titled only in Russian has its Russian
title in both). Headers are in the language of the request.
"""

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from portal.spreadsheets import csv_response, xlsx_response
from roundtable import schedule
from roundtable.models import speakers_as_printed
from speakers.models import Participation

LANGUAGES = ("kk", "ru")


def programme_items(event):
    """Every item of `event`, timed or not, with its speakers, in two queries."""
    return event.programme_items.prefetch_related(speakers_as_printed())


def participations(event):
    """Who takes part as the participant list prints them: the moderator, the speakers and those
    listed (registered listeners whom the organisers listed), not every registrant."""
    roles = Q(is_listed=True) | Q(is_speaker=True) | Q(is_moderator=True)
    return Participation.objects.filter(roles, event=event).select_related(
        "person__degree", "person__academic_title", "person__rank"
    )


def programme_headers():
    return [
        _("start"),
        _("end"),
        _("kind"),
        _("title in Kazakh"),
        _("title in Russian"),
        _("language of the title"),
        _("speakers in Kazakh"),
        _("speakers in Russian"),
        _("positions in Kazakh"),
        _("positions in Russian"),
    ]


def programme_row(item):
    printed = {}
    for language in LANGUAGES:
        with translation.override(language):
            printed[language] = schedule.printed_item(item)
    titles = [(printed[code]["title"] or {}).get("text", "") for code in LANGUAGES]
    names = [
        "; ".join(speaker["name"]["text"] for speaker in printed[code]["speakers"])
        for code in LANGUAGES
    ]
    positions = [
        "; ".join(speaker["position"]["text"] for speaker in printed[code]["speakers"])
        for code in LANGUAGES
    ]
    return [
        item.start.strftime("%H:%M") if item.start else "",
        item.end.strftime("%H:%M") if item.end else "",
        item.get_kind_display(),
        *titles,
        item.title_language,
        *names,
        *positions,
    ]


def participant_headers():
    return [
        _("No."),
        _("name in Kazakh"),
        _("name in Russian"),
        _("position in Kazakh"),
        _("position in Russian"),
        _("roles"),
        _("e-mail"),
    ]


def participant_row(number, participation):
    person = participation.person
    printed = {}
    for language in LANGUAGES:
        with translation.override(language):
            printed[language] = schedule.printed_person(person)
    return [
        number,
        *(printed[code]["name"]["text"] for code in LANGUAGES),
        *(printed[code]["position"]["text"] for code in LANGUAGES),
        ", ".join(str(role) for role in participation.roles),
        person.email,
    ]


def programme_csv(event):
    """programme-<slug>.csv: one row per item, in the programme's order."""
    return csv_response(
        f"programme-{event.slug}.csv",
        programme_headers(),
        (programme_row(item) for item in programme_items(event)),
    )


def participant_rows(event):
    return (
        participant_row(number, participation)
        for number, participation in enumerate(participations(event), start=1)
    )


def participants_csv(event):
    """participants-<slug>.csv: everyone taking part, in the order of the participant list."""
    return csv_response(
        f"participants-{event.slug}.csv", participant_headers(), participant_rows(event)
    )


def participants_xlsx(event):
    """participants-<slug>.xlsx: the same as an Excel workbook."""
    return xlsx_response(
        f"participants-{event.slug}.xlsx",
        _("Participants"),
        participant_headers(),
        participant_rows(event),
    )
