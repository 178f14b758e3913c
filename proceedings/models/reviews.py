"""Peer review of papers: who reviews which paper (ReviewAssignment), what they say (Review), and
what an originality-check service found (OriginalityCheck). The rules live in
proceedings/reviewing.py."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from proceedings.models.papers import Paper, paper_storage


class ReviewAssignment(models.Model):
    """A reviewer asked by the organisers to review a paper."""

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="assignments", verbose_name=_("paper")
    )
    reviewer = models.ForeignKey(
        "speakers.Person",
        models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    due_on = models.DateField(_("review due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["paper", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "reviewer"],
                name="one_assignment_per_paper_and_reviewer",
                violation_error_message=_("This reviewer is assigned to this paper already."),
            )
        ]

    def __str__(self):
        return f"{self.paper} · {self.reviewer}"


class Review(models.Model):
    """A reviewer's scores, recommendation and comments; editable until submitted."""

    class Score(models.IntegerChoices):
        POOR = 1, _("1 — poor")
        WEAK = 2, _("2 — weak")
        FAIR = 3, _("3 — fair")
        GOOD = 4, _("4 — good")
        EXCELLENT = 5, _("5 — excellent")

    class Recommendation(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        MINOR = "minor", _("Minor revision")
        MAJOR = "major", _("Major revision")
        REJECT = "reject", _("Reject")

    CRITERIA = ["relevance", "novelty", "structure", "references", "language"]

    assignment = models.OneToOneField(
        ReviewAssignment, models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    relevance = models.PositiveSmallIntegerField(_("relevance"), choices=Score, null=True)
    novelty = models.PositiveSmallIntegerField(_("novelty"), choices=Score, null=True)
    structure = models.PositiveSmallIntegerField(_("structure"), choices=Score, null=True)
    references = models.PositiveSmallIntegerField(_("references"), choices=Score, null=True)
    language = models.PositiveSmallIntegerField(_("language"), choices=Score, null=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=6, choices=Recommendation, blank=True
    )
    comments = models.TextField(
        _("comments for the author"), blank=True, help_text=_("The author receives these.")
    )
    confidential_comments = models.TextField(
        _("confidential comments for the organisers"),
        blank=True,
        help_text=_("Only the organisers read these."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment"]

    def __str__(self):
        return str(self.assignment)

    def scores(self):
        """(criterion's label, score's label) for each criterion, in the form's order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, f"get_{name}_display")())
            for name in self.CRITERIA
        ]


class OriginalityCheck(models.Model):
    """What an originality-check service (Antiplagiat, StrikePlagiarism…) found in a paper."""

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="originality_checks", verbose_name=_("paper")
    )
    service = models.CharField(_("service"), max_length=100)
    original_share = models.DecimalField(
        _("original text, %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    report = models.FileField(
        _("report file"), storage=paper_storage, upload_to="originality/", blank=True
    )
    checked_at = models.DateField(_("checked on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("originality check")
        verbose_name_plural = _("originality checks")
        ordering = ["paper", "-checked_at", "-pk"]

    def __str__(self):
        return f"{self.service}: {self.original_share} %"
