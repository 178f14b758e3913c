"""Reminding speakers of the deadline for papers, and reviewers of their reviews, a few days
before they are due.

A speaker whose paper is still a draft or in revision gets one letter, in their language, once
the round table's deadline is PAPER_REMINDER_DAYS away or less, with the link to the paper's
page. The letter records the deadline it is about (`Letter.occasion`), so a run of the command
each day writes it once, and once more only if the organisers move the deadline. Nothing is
written after the deadline, nor to a speaker without an e-mail address.

A reviewer whose review is not yet submitted gets one letter the same number of days before the
assignment's due date (`remind_reviewers`), once per assignment and date.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from proceedings.models import Paper, ReviewAssignment
from speakers.letters import letters_about, send_letter
from speakers.models import Letter

NEEDS_REMINDER = (Paper.Status.DRAFT, Paper.Status.REVISION)
KIND = Letter.Kind.DEADLINE_REMINDER
REVIEW_KIND = Letter.Kind.REVIEW_REMINDER


def due(now):
    """The papers whose deadline falls within the reminder's days from `now`, not yet past."""
    return (
        Paper.objects.filter(
            status__in=NEEDS_REMINDER,
            event__papers_deadline__gt=now,
            event__papers_deadline__lte=now + timedelta(days=settings.PAPER_REMINDER_DAYS),
        )
        .exclude(speaker__email="")
        .order_by("pk")
    )


def remind(now=None):
    """Write the reminders due at `now` (the current time by default); return their letters."""
    now = now or timezone.now()
    return write_once(
        due(now),
        ("event", "speaker"),
        KIND,
        lambda paper: (
            paper.speaker,
            paper.event.papers_deadline,
            {"paper": paper, "event": paper.event, "deadline": paper.event.papers_deadline},
        ),
    )


def write_once(due, related, kind, letter):
    """For each object of the queryset `due`, write the letter `kind` unless one about it was
    written for the same occasion; return the letters written.

    `letter(obj)` gives (person, the occasion: a date or moment, context). Each object is locked
    while it is checked, so that two runs at once cannot both find it not yet reminded.
    """
    written = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            obj = due.model.objects.select_for_update(of=("self",)).select_related(*related)
            obj = obj.get(pk=pk)
            person, when, context = letter(obj)
            occasion = when.isoformat()
            if letters_about(obj).filter(kind=kind, occasion=occasion).exists():
                continue
            written.append(
                send_letter(
                    person,
                    kind,
                    {**context, "site_url": settings.SITE_URL},
                    about=obj,
                    occasion=occasion,
                )
            )
    return written


def reviews_due(today):
    """The assignments due within the reminder's days from `today`, their review not submitted."""
    return (
        ReviewAssignment.objects.filter(
            due_on__gte=today,
            due_on__lte=today + timedelta(days=settings.PAPER_REMINDER_DAYS),
        )
        .exclude(review__submitted_at__isnull=False)
        .exclude(reviewer__email="")
        .order_by("pk")
    )


def remind_reviewers(now=None):
    """Write the reviewers' reminders due at `now`; return their letters."""
    today = timezone.localdate(now or timezone.now())
    return write_once(
        reviews_due(today),
        ("paper__event", "reviewer"),
        REVIEW_KIND,
        lambda assignment: (
            assignment.reviewer,
            assignment.due_on,
            {"assignment": assignment, "paper": assignment.paper, "event": assignment.paper.event},
        ),
    )
