"""Peer review: organisers assign reviewers to papers, by hand or spread evenly by section;
reviewers score a paper and recommend, and submit once; the decision letter passes on their
comments for the author, numbered, never named.

Nobody reviews a paper they wrote: the speaker and every author linked to a person of the roster
are refused (`conflict`). Under a double-blind call (`Call.review_mode`) the reviewer's page shows
the paper without its authors, and the uploaded file, whose DOCX or PDF carries the names, is not
handed to the reviewer (`hides_authors`).
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from proceedings.models import Call, Review, ReviewAssignment, ReviewMode
from proceedings.permissions import is_organiser
from speakers import invitations
from speakers.letters import send_letter


def authors_of(paper):
    """The ids of the persons who wrote `paper`: its speaker and its authors on the roster."""
    linked = {author.person_id for author in paper.authors.all() if author.person_id}
    return linked | {paper.speaker_id}


def conflict(paper, reviewer):
    """Why `reviewer` may not review `paper`, or ""."""
    if reviewer.pk in authors_of(paper):
        return _("%(person)s wrote this paper and cannot review it.") % {"person": reviewer}
    if not reviewer.email:
        return _("%(person)s has no e-mail address.") % {"person": reviewer}
    return ""


def assign(paper, reviewer, by, due_on=None):
    """Ask `reviewer` (a Person) to review `paper`, and write them a letter with the link.

    Organisers only. The reviewer gets an account when they have none (the letter then carries a
    link to set its password, as invitations do). Raises ValidationError for an author of the
    paper, a person without an e-mail address or an assignment that exists already.
    """
    if not is_organiser(by):
        raise PermissionDenied
    if refused := conflict(paper, reviewer):
        raise ValidationError(refused)
    with transaction.atomic():
        if ReviewAssignment.objects.filter(paper=paper, reviewer=reviewer).exists():
            raise ValidationError(
                _("%(person)s is assigned to this paper already.") % {"person": reviewer}
            )
        try:
            user = invitations.account_for(reviewer)
        except invitations.InvitationError as error:
            raise ValidationError(str(error)) from error
        assignment = ReviewAssignment.objects.create(
            paper=paper, reviewer=reviewer, assigned_by=by, due_on=due_on
        )
        tell_reviewer(assignment, user)
    return assignment


def tell_reviewer(assignment, user):
    """The letter that asks the reviewer to review, in the reviewer's language."""
    reviewer = assignment.reviewer
    with translation.override(reviewer.language):
        review_path = reverse("reviews:review", kwargs={"pk": assignment.pk})
        password_path = None if user.has_usable_password() else invitations.password_link_path(user)
    send_letter(
        reviewer,
        "review_request",
        {
            "paper": assignment.paper,
            "event": assignment.paper.event,
            "assignment": assignment,
            "blind": hides_authors(assignment.paper),
            "link": invitations.absolute(settings.SITE_URL, review_path),
            "password_link": password_path
            and invitations.absolute(settings.SITE_URL, password_path),
            "valid_days": invitations.valid_days(),
        },
        about=assignment.paper,
    )


def spread(papers, reviewers, count, by, due_on=None):
    """Give each of `papers` `count` reviewers from `reviewers`, evenly within each section.

    Within a section, each paper takes the reviewers who review fewest papers of that section so
    far (then fewest overall, then in the order given), never its own authors. Reviewers assigned
    already count, to the paper and to their own load; a person whose account cannot be linked is
    left out. Returns (assignments made, papers that could not get `count` reviewers).
    """
    reviewers = list(reviewers)
    rank = {person.pk: index for index, person in enumerate(reviewers)}
    papers = list(papers)
    existing = ReviewAssignment.objects.filter(reviewer__in=reviewers).values_list(
        "reviewer_id", "paper__section_id", "paper_id"
    )
    overall, per_section, assigned = Counter(), defaultdict(Counter), defaultdict(set)
    for reviewer_id, section_id, paper_id in existing:
        overall[reviewer_id] += 1
        per_section[section_id][reviewer_id] += 1
        assigned[paper_id].add(reviewer_id)
    reviewed = Counter(
        ReviewAssignment.objects.filter(paper__in=papers).values_list("paper_id", flat=True)
    )
    made, short, refused = [], [], set()
    in_order = sorted(papers, key=lambda paper: (paper.section_id or 0, paper.position, paper.pk))
    for paper in in_order:
        counts = per_section[paper.section_id]
        candidates = sorted(
            (
                person
                for person in reviewers
                if person.pk not in assigned[paper.pk] and not conflict(paper, person)
            ),
            key=lambda person: (counts[person.pk], overall[person.pk], rank[person.pk]),
        )
        for person in candidates:
            if reviewed[paper.pk] >= count:
                break
            if person.pk in refused:
                continue
            try:
                made.append(assign(paper, person, by, due_on))
            except ValidationError:
                # An account that cannot be theirs (staff, say): not a reviewer for any paper.
                refused.add(person.pk)
                continue
            counts[person.pk] += 1
            overall[person.pk] += 1
            reviewed[paper.pk] += 1
        if reviewed[paper.pk] < count:
            short.append(paper)
    return made, short


def hides_authors(paper):
    """Whether reviewers of `paper` must not learn who wrote it (a double-blind call)."""
    try:
        return paper.event.call.review_mode == ReviewMode.DOUBLE_BLIND
    except Call.DoesNotExist:
        return False


def assignments_of(user):
    """The review assignments of `user` (through their person), newest first."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer__user=user)
        .select_related("paper__event__call", "paper__current_version", "review")
        .order_by("-assigned_at", "-pk")
    )


def review_of(assignment):
    """The assignment's review, started empty the first time the reviewer opens it."""
    try:
        return assignment.review
    except Review.DoesNotExist:
        return Review(assignment=assignment)


def save(review, user, *, submit=False):
    """Keep `review` (a filled form's instance) for its reviewer; `submit` sends it in.

    A submitted review is final. Submitting needs every score and a recommendation.
    """
    if review.assignment.reviewer.user_id != user.pk:
        raise PermissionDenied
    if review.pk and Review.objects.filter(pk=review.pk, submitted_at__isnull=False).exists():
        raise ValidationError(_("This review is submitted already and can no longer change."))
    if submit:
        missing = [
            str(review._meta.get_field(name).verbose_name)
            for name in [*Review.CRITERIA, "recommendation"]
            if getattr(review, name) in (None, "")
        ]
        if missing:
            raise ValidationError(
                _("Give every score and a recommendation before submitting: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
        review.submitted_at = timezone.now()
    review.save()
    return review


def reviews_of(paper):
    """The submitted reviews of `paper`, in the order of their assignments."""
    return (
        Review.objects.filter(assignment__paper=paper, submitted_at__isnull=False)
        .select_related("assignment__reviewer")
        .order_by("assignment__assigned_at", "assignment__pk")
    )


def comments_for_author(paper):
    """[(number, comments)] of the submitted reviews: what the decision letter passes on as
    "Reviewer 1", "Reviewer 2"…, never the reviewer's name."""
    return [
        (number, review.comments.strip())
        for number, review in enumerate(reviews_of(paper), start=1)
        if review.comments.strip()
    ]


def below_required(paper):
    """The share of original text the call requires, when the latest check found less; else None."""
    check = paper.originality_checks.order_by("-checked_at", "-pk").first()
    try:
        required = paper.event.call.originality_share
    except Call.DoesNotExist:
        return None
    if check is None or required is None or check.original_share >= required:
        return None
    return required
