"""Speakers' side of a paper: the upload deadline and storing a new version.

A version is stored whole or not at all: the file is checked by content, converted when it is a
DOCX, saved under a name nobody can guess, and only then made current. Any refusal leaves the
previous version current and nothing on disk.

Organisers also upload for the speaker (the paper's admin page): a file that came by e-mail, or
a corrected one for an accepted paper. The same checks apply, but neither the paper's status nor
the deadline stops them; replacing an accepted paper's file, which the book prints, takes a
reason, kept with the version. Versions are numbered under a lock on the paper, so of two
uploads at once (the speaker's and an organiser's) the later becomes current and both are kept.
"""

import errno
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from proceedings import conversion, permissions, review, uploads
from proceedings.models import Paper, PaperVersion
from proceedings.organiser_letters import REVISED, tell_organisers

REASON_REQUIRED = gettext_lazy(
    "Say why this accepted paper gets a new version: the book will print the new file."
)


def deadline_passed(paper, now=None):
    deadline = paper.event.papers_deadline
    return deadline is not None and (now or timezone.now()) >= deadline


def reopened_after_deadline(paper, now=None):
    """Whether the speaker may still upload `paper` only because the organisers reopened it."""
    return (
        paper.uploads_reopened
        and paper.status in review.OPEN_FOR_UPLOADS
        and deadline_passed(paper, now)
    )


def time_left(deadline, now=None):
    """How long is left until `deadline`, as the author reads it: whole days, then whole hours in
    the last day ("3 days left", "5 hours left"), or that the deadline has passed."""
    left = deadline - (now or timezone.now())
    if left <= timedelta(0):
        return _("the deadline has passed")
    if left.days:
        return ngettext("%(count)s day left", "%(count)s days left", left.days) % {
            "count": left.days
        }
    if hours := left.seconds // 3600:
        return ngettext("%(count)s hour left", "%(count)s hours left", hours) % {"count": hours}
    return _("less than an hour left")


def upload_refusal(paper, user, now=None):
    """Why `user` may not upload a version of `paper` now, or None when they may."""
    if not (permissions.is_speaker_of(user, paper) or permissions.is_organiser(user)):
        return _("Only the speaker of this paper uploads its versions.")
    if paper.status not in review.OPEN_FOR_UPLOADS:
        return _("This paper is “%(status)s”: it takes no new versions.") % {
            "status": paper.get_status_display()
        }
    if deadline_passed(paper, now) and not paper.uploads_reopened:
        deadline = timezone.localtime(paper.event.papers_deadline)
        return _(
            "The deadline for papers was %(deadline)s. Ask the organisers to reopen your paper "
            "if you need to upload a new version."
        ) % {"deadline": date_format(deadline, "DATETIME_FORMAT")}
    return None


def needs_reason(paper):
    """Whether an organiser uploading for the speaker must say why: the paper is accepted."""
    return paper.status == Paper.Status.ACCEPTED


def check_upload_for_speaker(paper, user, reason):
    """Refuse an upload for the speaker by anyone but an organiser, or without a needed reason."""
    if not permissions.is_organiser(user):
        raise PermissionDenied(_("Only organisers upload a version for the speaker."))
    if needs_reason(paper) and not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})


def add_version(paper, uploaded_file, user, *, for_speaker=False, reason=""):
    """Check `uploaded_file`, store it as the next version of `paper` and make it current.

    With `for_speaker`, an organiser uploads on the speaker's behalf, whatever the paper's status
    and the deadline, giving `reason` (required once the paper is accepted). Raises
    PermissionDenied or ValidationError (with a message for the uploader) and then changes
    nothing.
    """
    reason = reason.strip()
    if for_speaker:
        check_upload_for_speaker(paper, user, reason)
    elif refusal := upload_refusal(paper, user):
        raise PermissionDenied(refusal)
    checked = uploads.check(uploaded_file)
    try:
        converted = conversion.convert_docx(uploaded_file) if checked.kind == "docx" else None
    except conversion.ConversionError as error:
        raise ValidationError(error.message, code="unreadable") from error
    uploaded_file.seek(0)
    storage = PaperVersion._meta.get_field("file").storage
    name = store(storage, uploads.storage_name(checked), uploaded_file)
    try:
        with transaction.atomic():
            locked = Paper.objects.select_for_update().get(pk=paper.pk)
            number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
            version = PaperVersion.objects.create(
                paper=locked,
                number=number,
                file=name,
                original_name=checked.display_name,
                kind=checked.kind,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
                reason=reason,
                html=converted.html if converted else "",
                conversion_warnings=list(converted.warnings) if converted else [],
            )
            locked.current_version = version
            locked.save(update_fields=["current_version", "updated_at"])
            if locked.status == Paper.Status.SUBMITTED and not for_speaker:
                # The organisers reviewing it learn of the new file; mail never undoes the upload.
                transaction.on_commit(lambda: tell_organisers(locked, REVISED), robust=True)
    except Exception:
        storage.delete(name)
        raise
    paper.current_version = version
    return version


def store(storage, name, uploaded_file):
    """Save the file under `name` in `storage`; a full disk is refused with a clear message.

    A disk (or the quota) that fills up while the file is written leaves a partial file: it is
    removed, and nothing else has changed yet.
    """
    try:
        return storage.save(name, File(uploaded_file))
    except OSError as error:
        if error.errno not in {errno.ENOSPC, errno.EDQUOT}:
            raise
        storage.delete(name)
        raise ValidationError(
            _(
                "The server has no room to store your file just now. Your paper is unchanged: "
                "try again later, and tell the organisers if it happens again."
            ),
            code="no_space",
        ) from error
