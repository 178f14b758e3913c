"""Letters to the organisers when a speaker submits a paper (first, or again after a revision
request) or uploads a new version of a paper under review.

Every organiser with an e-mail address gets one letter (a round table names no organisers of its
own, so all of them), in the language of the person their account is linked to, or the site's
default language for an account without one. The letter names the paper, its speaker and status
and links to the paper's admin page. What an organiser does for the speaker (a submission for
them, an import, an upload from the admin) tells no one: they know of it. The letter is written
once the move or the upload has committed and is sent by the letters' task
(speakers/letters.py), so mail that fails undoes nothing.
"""

from django.conf import settings
from django.urls import reverse

from portal.organisers import organiser_accounts
from speakers.letters import write
from speakers.models import Letter

SUBMITTED = Letter.Kind.PAPER_SUBMITTED
REVISED = Letter.Kind.PAPER_REVISED


def language_of(user):
    """The language to write to `user` in: their person's, else the site's default."""
    person = getattr(user, "person", None)
    return (person and person.language) or settings.LANGUAGE_CODE


def tell_organisers(paper, kind, *, again=False):
    """Write the letter `kind` (SUBMITTED or REVISED) about `paper` to every organiser; `again`
    when the paper is submitted again after a revision request."""
    context = {
        "again": again,
        "paper": paper,
        "event": paper.event,
        "speaker": paper.speaker,
        "version": paper.current_version,
        "admin_url": settings.SITE_URL + reverse("admin:proceedings_paper_change", args=[paper.pk]),
    }
    for user in organiser_accounts().exclude(email="").select_related("person"):
        write(user.email, language_of(user), kind, context, about=paper)
