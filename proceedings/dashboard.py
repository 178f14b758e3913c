"""A speaker's side of the papers: their talks with the papers written for them, and starting one.

`talks_and_papers` reads what "My papers" shows in three queries; `start_paper` makes the paper of
a talk with the speaker as its first author.

A talk is the organisers' draft item (roundtable/releases.py): its time and room are shown as the
current release has them, the speaker's letter announced and the public programme shows them, so
that a move the organisers have not released yet is not the speaker's to see.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from proceedings import review
from proceedings.models import Author, Paper, PaperStatusChange
from roundtable.models import ProgrammeItem, ReleasedItem

LANGUAGE_CODES = [code for code, _name in settings.WRITTEN_LANGUAGES]
# The language of a paper whose talk does not say which language its title is in.
DEFAULT_LANGUAGE = LANGUAGE_CODES[0]
# What is copied from the person to their author entry, in every language.
TRANSLATED_FROM_PERSON = ("surname", "given_name", "patronymic", "organisation")


@dataclass
class EventPapers:
    """One round table on the dashboard: the person's talks there and papers without a talk."""

    event: object
    talks: list = field(default_factory=list)  # [(talk, [papers])]
    other_papers: list = field(default_factory=list)


def talks_of(person):
    return ProgrammeItem.objects.filter(
        speakers=person, kind=ProgrammeItem.Kind.TALK
    ).select_related("event")


def with_released_places(talks):
    """Sets each talk's `released`: the item of its round table's current release that is the
    talk (its time and room as released), None while the talk is only in the draft."""
    released = {
        item.item_key: item
        for item in ReleasedItem.objects.filter(
            release__current_of__isnull=False, item_key__in=[talk.pk for talk in talks]
        ).select_related("room")
    }
    for talk in talks:
        talk.released = released.get(talk.pk)
    return talks


def papers_of(person):
    """The person's papers with what the dashboard shows, the last decision included."""
    decisions = PaperStatusChange.objects.filter(
        paper=OuterRef("pk"), to_status__in=review.DECISIONS
    ).order_by("-changed_at", "-pk")
    return (
        Paper.objects.filter(speaker=person)
        .select_related("event", "talk", "section", "current_version")
        .annotate(
            decision=Subquery(decisions.values("to_status")[:1]),
            decision_comment=Subquery(decisions.values("comment")[:1]),
            decided_at=Subquery(decisions.values("changed_at")[:1]),
        )
        .order_by("pk")
    )


def talks_and_papers(person):
    """[EventPapers], the latest round table first: each talk with its papers, then the rest."""
    talks = with_released_places(list(talks_of(person)))
    papers = list(papers_of(person))
    for paper in papers:
        paper.decision_label = Paper.Status(paper.decision).label if paper.decision else ""
    events = {}

    def entry(event):
        return events.setdefault(event.pk, EventPapers(event))

    talk_ids = {talk.pk for talk in talks}
    for talk in talks:
        entry(talk.event).talks.append(
            (talk, [paper for paper in papers if paper.talk_id == talk.pk])
        )
    for paper in papers:
        if paper.talk_id not in talk_ids:
            entry(paper.event).other_papers.append(paper)
    return sorted(
        events.values(), key=lambda group: (group.event.date, group.event.pk), reverse=True
    )


def start_paper(talk, person):
    """The paper of `talk` by `person`: the existing one, or a new draft titled as the talk, in
    the talk's language, with the person as its first author."""
    existing = Paper.objects.filter(talk=talk, speaker=person).order_by("pk").first()
    if existing:
        return existing
    language = talk.title_language or DEFAULT_LANGUAGE
    with transaction.atomic():
        paper = Paper.objects.create(
            event_id=talk.event_id,
            talk=talk,
            speaker=person,
            language=language,
            **{f"title_{language}": getattr(talk, f"title_{language}", "") or ""},
        )
        Author.objects.create(paper=paper, **author_fields(person))
    return paper


def author_fields(person):
    """An author entry copied from a person: names and organisation per language, and so on."""
    values = {
        f"{name}_{code}": getattr(person, f"{name}_{code}", "") or ""
        for name in TRANSLATED_FROM_PERSON
        for code in LANGUAGE_CODES
    }
    return {
        **values,
        "role": Author.Role.AUTHOR,
        "order": 0,
        "person": person,
        "email": person.email,
        "degree_id": person.degree_id,
        "academic_title_id": person.academic_title_id,
    }
