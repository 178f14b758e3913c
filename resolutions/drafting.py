"""How a resolution moves from draft to published, and what each step allows.

One function, `change_status`, moves a resolution and records who did it; adopted text is frozen
until a recorded reopen. Every saved change becomes a version (the whole text as JSON), so any
two can be compared per language. Amendments are proposed while under discussion and accepting
one edits the draft.
"""

import difflib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from resolutions.models import (
    Amendment,
    Resolution,
    ResolutionItem,
    ResolutionVersion,
    StatusChange,
)
from resolutions.permissions import is_organiser

Status = Resolution.Status
LANGUAGES = [code for code, _name in settings.WRITTEN_LANGUAGES]
PAIRED_LANGUAGES = ("kk", "ru")

# The moves organisers may make; reopening adopted text goes back to discussion.
MOVES = {
    Status.DRAFT: {Status.DISCUSSION, Status.ADOPTED},
    Status.DISCUSSION: {Status.DRAFT, Status.ADOPTED},
    Status.ADOPTED: {Status.PUBLISHED, Status.DISCUSSION},
    Status.PUBLISHED: {Status.ADOPTED, Status.DISCUSSION},
}


# --- Content and versions ----------------------------------------------------------------------


def translations(instance, field):
    return {code: getattr(instance, f"{field}_{code}") or "" for code in LANGUAGES}


def content_of(resolution):
    """The whole text in every language, as a version stores it."""
    return {
        "title": translations(resolution, "title"),
        "preamble": translations(resolution, "preamble"),
        "sections": [
            {
                "heading": translations(section, "heading"),
                "lead": translations(section, "lead"),
                "items": [translations(item, "text") for item in section.items.all()],
            }
            for section in resolution.sections.prefetch_related("items")
        ],
        "closing": translations(resolution, "closing"),
    }


def record_version(resolution, user=None, occasion=ResolutionVersion.Occasion.EDIT, amendment=None):
    """Store the text as a new version when it differs from the last one; returns it or None."""
    content = content_of(resolution)
    last = resolution.versions.order_by("-number").first()
    if last and last.content == content and last.status == resolution.status:
        return None
    number = (resolution.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    return ResolutionVersion.objects.create(
        resolution=resolution,
        number=number,
        created_by=user if user and user.is_authenticated else None,
        status=resolution.status,
        occasion=occasion,
        amendment_number=amendment.pk if amendment else None,
        content=content,
    )


def ensure_editable(resolution):
    if resolution.is_frozen:
        raise ValidationError(
            _("The resolution is adopted and its text is frozen. Reopen it to make changes."),
            code="frozen",
        )


def lines_of(content, language):
    """The text in `language` as the lines a reader sees, sections numbered as printed."""

    def text(value):
        return value.get(language, "").strip()

    lines = [text(content["title"]), text(content["preamble"])]
    for number, section in enumerate(content["sections"], start=1):
        lines.append(f"{number}. {text(section['heading'])}".rstrip())
        lines.append(text(section["lead"]))
        lines.extend(f"– {text(item)}" for item in section["items"] if text(item))
    lines.append(text(content["closing"]))
    return [line for line in lines if line]


def compare(old, new, language):
    """A readable diff of two versions' text in `language`: lines with words marked.

    Returns a list of (kind, html) with kind one of 'same', 'added', 'removed', 'changed'.
    """
    before, after = lines_of(old.content, language), lines_of(new.content, language)
    rows = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            rows.extend(("same", escape(line)) for line in before[a1:a2])
        elif operation == "delete":
            rows.extend(("removed", f"<del>{escape(line)}</del>") for line in before[a1:a2])
        elif operation == "insert":
            rows.extend(("added", f"<ins>{escape(line)}</ins>") for line in after[b1:b2])
        else:
            old_lines, new_lines = before[a1:a2], after[b1:b2]
            for index in range(max(len(old_lines), len(new_lines))):
                if index >= len(new_lines):
                    rows.append(("removed", f"<del>{escape(old_lines[index])}</del>"))
                elif index >= len(old_lines):
                    rows.append(("added", f"<ins>{escape(new_lines[index])}</ins>"))
                else:
                    rows.append(("changed", word_diff(old_lines[index], new_lines[index])))
    return [(kind, mark_safe(html)) for kind, html in rows]  # every part escaped above


def word_diff(old, new):
    tokens_old, tokens_new = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    matcher = difflib.SequenceMatcher(a=tokens_old, b=tokens_new, autojunk=False)
    parts = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation in {"replace", "delete"}:
            parts.append(f"<del>{escape(''.join(tokens_old[a1:a2]))}</del>")
        if operation in {"replace", "insert"}:
            parts.append(f"<ins>{escape(''.join(tokens_new[b1:b2]))}</ins>")
        if operation == "equal":
            parts.append(escape("".join(tokens_old[a1:a2])))
    return "".join(parts)


def language_gaps(resolution):
    """Sections whose items are written in one paired language and missing in the other.

    The kk and ru texts pair item by item; a gap means a translation is missing.
    """
    gaps = []
    for number, section in enumerate(resolution.sections.prefetch_related("items"), start=1):
        missing = {
            code
            for item in section.items.all()
            for code in PAIRED_LANGUAGES
            if not getattr(item, f"text_{code}")
        }
        if missing:
            gaps.append((number, section, sorted(missing)))
    return gaps


# --- Moving through the states -----------------------------------------------------------------


def takes_back(resolution, to_status):
    """Whether the move takes back what was adopted or published (reopening the adopted text,
    withdrawing the publication): organisers confirm such a move before it is made."""
    reopening = resolution.is_frozen and to_status == Status.DISCUSSION
    unpublishing = resolution.status == Status.PUBLISHED and to_status == Status.ADOPTED
    return reopening or unpublishing


def ordered_moves(resolution):
    """The moves allowed now, the next step forward first, moves back after the forward ones."""
    order = list(Status)
    start = order.index(resolution.status)

    def rank(status):
        step = order.index(status) - start
        return (step < 0, abs(step))

    return sorted(MOVES[resolution.status], key=rank)


def adoption_date(resolution):
    """The date an adoption is dated by default: the earlier adoption's when the resolution was
    reopened (to fix a typo, say), or today for a first adoption."""
    return resolution.adopted_on or timezone.localdate()


@transaction.atomic
def change_status(resolution, to_status, user, comment="", adopted_on=None):
    """Move the resolution to `to_status`, recording who and when; the only way to do so.

    An adoption is dated `adopted_on`, or by `adoption_date`: reopening keeps the date, so the
    adopted text keeps it unless the organiser gives another one.
    """
    if not is_organiser(user):
        raise PermissionDenied
    from_status = resolution.status
    if to_status not in MOVES[from_status]:
        raise ValidationError(
            _("A resolution cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label},
            code="invalid_move",
        )
    reopening = resolution.is_frozen and to_status == Status.DISCUSSION
    if reopening and not comment.strip():
        raise ValidationError(
            _("Say why the adopted resolution is reopened."), code="reason_required"
        )
    adopting = to_status == Status.ADOPTED and from_status != Status.PUBLISHED
    if adopting and adopted_on is not None and adopted_on > timezone.localdate():
        raise ValidationError(
            _("The adoption date cannot be in the future."), code="future_adoption"
        )
    resolution.status = to_status
    if adopting:
        resolution.adopted_on = adopted_on or adoption_date(resolution)
        resolution.adopted_by = user
    resolution.save()
    StatusChange.objects.create(
        resolution=resolution,
        from_status=from_status,
        to_status=to_status,
        changed_by=user,
        comment=comment,
    )
    record_version(resolution, user, ResolutionVersion.Occasion.STATUS)
    return resolution


# --- Amendments --------------------------------------------------------------------------------


@transaction.atomic
def accept(amendment, user, comment=""):
    """Accept an amendment: the draft takes its text (or gains it as a new item)."""
    resolution = decide(amendment, user)
    texts = {
        f"text_{code}": getattr(amendment, f"text_{code}")
        for code in LANGUAGES
        if getattr(amendment, f"text_{code}")
    }
    item = amendment.item
    if item is None:
        last = amendment.section.items.aggregate(Max("position"))["position__max"]
        item = ResolutionItem(section=amendment.section, position=(last or 0) + 1)
    for name, value in texts.items():
        setattr(item, name, value)
    item.save()
    amendment.result = item
    amendment.status = Amendment.Status.ACCEPTED
    amendment.comment = comment
    amendment.save()
    record_version(resolution, user, ResolutionVersion.Occasion.AMENDMENT, amendment)
    return amendment


@transaction.atomic
def decline(amendment, user, comment):
    if not comment.strip():
        raise ValidationError(_("Say why the amendment is declined."), code="reason_required")
    decide(amendment, user)
    amendment.status = Amendment.Status.DECLINED
    amendment.comment = comment
    amendment.save()
    return amendment


def decide(amendment, user):
    """Checks shared by accepting and declining; stamps who decided and when."""
    if not is_organiser(user):
        raise PermissionDenied
    resolution = amendment.resolution
    if resolution.status != Status.DISCUSSION:
        raise ValidationError(
            _("Amendments are decided while the resolution is under discussion."),
            code="not_in_discussion",
        )
    if amendment.status != Amendment.Status.PROPOSED:
        raise ValidationError(_("This amendment has already been decided."), code="decided")
    amendment.decided_by = user
    amendment.decided_at = timezone.now()
    return resolution
