"""How a paper moves from draft to a decision, and who may move it.

Every status change goes through `move`, which checks the move against `MOVES`, records who made
it, writes to the speaker when organisers decide and to the organisers when the speaker submits
(proceedings/organiser_letters.py).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from proceedings import reviewing
from proceedings.article_head import refusal
from proceedings.models import Paper, PaperStatusChange
from proceedings.organiser_letters import SUBMITTED, tell_organisers
from proceedings.permissions import is_organiser, is_speaker_of
from speakers.letters import send_letter

Status = Paper.Status
SPEAKER, ORGANISER = "speaker", "organiser"

# (from, to) → who may make the move.
MOVES = {
    (Status.DRAFT, Status.SUBMITTED): SPEAKER,
    (Status.DRAFT, Status.WITHDRAWN): SPEAKER,
    (Status.SUBMITTED, Status.WITHDRAWN): SPEAKER,
    (Status.SUBMITTED, Status.ACCEPTED): ORGANISER,
    (Status.SUBMITTED, Status.REVISION): ORGANISER,
    (Status.SUBMITTED, Status.REJECTED): ORGANISER,
    (Status.REVISION, Status.SUBMITTED): SPEAKER,
    (Status.REVISION, Status.WITHDRAWN): SPEAKER,
    (Status.REVISION, Status.ACCEPTED): ORGANISER,
    (Status.REVISION, Status.REJECTED): ORGANISER,
    (Status.ACCEPTED, Status.REVISION): ORGANISER,
    (Status.REJECTED, Status.SUBMITTED): ORGANISER,
    (Status.WITHDRAWN, Status.DRAFT): SPEAKER,
}
# Decisions the speaker is told about by e-mail; the last two need the organiser's reasons.
DECISIONS = {Status.ACCEPTED, Status.REVISION, Status.REJECTED}
NEEDS_COMMENT = {Status.REVISION, Status.REJECTED}
# While the speaker may still change the file (before the deadline, or once reopened).
OPEN_FOR_UPLOADS = {Status.DRAFT, Status.SUBMITTED, Status.REVISION}
# Moves the speaker confirms on a page of their own first: a withdrawn paper leaves the review.
CONFIRMED_MOVES = {Status.WITHDRAWN}


def roles_of(user, paper):
    roles = {SPEAKER} if is_speaker_of(user, paper) else set()
    if is_organiser(user):
        roles.add(ORGANISER)
    return roles


def allowed_moves(user, paper):
    """The statuses `user` may move `paper` to now, in the order of Paper.Status."""
    roles = roles_of(user, paper)
    return [
        status
        for status in Status
        if MOVES.get((Status(paper.status), status)) in roles
        and (status != Status.SUBMITTED or paper.current_version_id)
    ]


def submits_once_uploaded(user, paper):
    """Whether `user` could submit `paper` but for its file: none is uploaded yet."""
    who = MOVES.get((Status(paper.status), Status.SUBMITTED))
    return not paper.current_version_id and who in roles_of(user, paper)


def move(paper, to, user, comment="", *, for_speaker=False):
    """Move `paper` to status `to` for `user`, record it and tell the speaker of a decision, or
    the organisers of a submission.

    With `for_speaker`, an organiser makes a speaker's move on the speaker's behalf (a paper
    that came by e-mail, or an import); the history names the organiser. Raises PermissionDenied
    when `user` may not make this move and ValidationError when the move is not allowed from the
    paper's status or lacks what it needs.
    """
    to = Status(to)
    comment = comment.strip()
    with transaction.atomic():
        paper = (
            Paper.objects.select_for_update().select_related("speaker", "event").get(pk=paper.pk)
        )
        start = Status(paper.status)
        who = MOVES.get((start, to))
        if who is None:
            raise ValidationError(
                _("A paper cannot go from “%(from)s” to “%(to)s”.")
                % {"from": start.label, "to": to.label}
            )
        if who == ORGANISER or for_speaker:
            allowed = is_organiser(user)
        else:
            allowed = is_speaker_of(user, paper)
        if not allowed:
            raise PermissionDenied(_("You may not move this paper to “%(to)s”.") % {"to": to.label})
        if to == Status.SUBMITTED and not paper.current_version_id:
            raise ValidationError(_("Upload the paper before submitting it."))
        if to == Status.ACCEPTED and (refused := refusal(paper)):
            raise ValidationError(refused)
        if to in NEEDS_COMMENT and not comment:
            raise ValidationError(_("Say what the speaker should change, or why it is rejected."))
        paper.status = to
        # Asking for a revision lets the speaker upload after the deadline; a decision closes it.
        paper.uploads_reopened = to == Status.REVISION or (
            paper.uploads_reopened and to not in DECISIONS
        )
        paper.save(update_fields=["status", "uploads_reopened", "updated_at"])
        change = PaperStatusChange.objects.create(
            paper=paper, from_status=start, to_status=to, changed_by=user, comment=comment
        )
        if to in DECISIONS:
            # Whatever happens to the letter must not undo the decision: robust logs it. The
            # letter is queued and retried while the mail server fails (speakers/letters.py).
            transaction.on_commit(lambda: tell_speaker(paper, change), robust=True)
        elif to == Status.SUBMITTED and who == SPEAKER and not for_speaker:
            # The organisers learn of the speaker's own submission the same way; one made for the
            # speaker (a paper by e-mail, an import) they know of already.
            again = start == Status.REVISION
            transaction.on_commit(
                lambda: tell_organisers(paper, SUBMITTED, again=again), robust=True
            )
    return paper


def tell_speaker(paper, change):
    """Write the decision to the speaker, in the speaker's language, and queue the letter, with
    the reviewers' comments for the author as they wrote them, numbered, never named."""
    if paper.speaker.email:
        send_letter(
            paper.speaker,
            "paper_decision",
            {
                "paper": paper,
                "event": paper.event,
                "decision": change.to_status,
                "comment": change.comment,
                "reviews": reviewing.comments_for_author(paper),
                "site_url": settings.SITE_URL,
            },
            about=paper,
        )


def reopen_uploads(paper, user):
    """Let the speaker upload after the deadline (organisers only), until the next decision."""
    if not is_organiser(user):
        raise PermissionDenied
    if paper.status not in OPEN_FOR_UPLOADS:
        raise ValidationError(
            _("Only a paper in draft, submitted or in revision takes new uploads.")
        )
    Paper.objects.filter(pk=paper.pk).update(uploads_reopened=True)
    paper.uploads_reopened = True
