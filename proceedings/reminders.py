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
    written = []
    for pk in due(now).values_list("pk", flat=True):
        with transaction.atomic():
            # Locked, so that two runs at once cannot both find it not yet reminded.
            paper = (
                Paper.objects.select_for_update(of=("self",))
                .select_related("event", "speaker")
                .get(pk=pk)
            )
            deadline = paper.event.papers_deadline
            if letters_about(paper).filter(kind=KIND, occasion=deadline.isoformat()).exists():
                continue
            written.append(
                send_letter(
                    paper.speaker,
                    KIND,
                    {
                        "paper": paper,
                        "event": paper.event,
                        "deadline": deadline,
                        "site_url": settings.SITE_URL,
                    },
                    about=paper,
                    occasion=deadline.isoformat(),
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
    written = []
    for pk in reviews_due(today).values_list("pk", flat=True):
        with transaction.atomic():
            assignment = (
                ReviewAssignment.objects.select_for_update(of=("self",))
                .select_related("paper__event", "reviewer")
                .get(pk=pk)
            )
            occasion = assignment.due_on.isoformat()
            if letters_about(assignment).filter(kind=REVIEW_KIND, occasion=occasion).exists():
                continue
            written.append(
                send_letter(
                    assignment.reviewer,
                    REVIEW_KIND,
                    {
                        "assignment": assignment,
                        "paper": assignment.paper,
                        "event": assignment.paper.event,
                        "site_url": settings.SITE_URL,
                    },
                    about=assignment,
                    occasion=occasion,
                )
            )
    return written
