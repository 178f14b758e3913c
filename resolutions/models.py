from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Resolution(models.Model):
    """The resolution a round table adopts: numbered sections of recommendations, kk and ru."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DISCUSSION = "discussion", _("Under discussion")
        ADOPTED = "adopted", _("Adopted")
        PUBLISHED = "published", _("Published")

    event = models.OneToOneField(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="resolution",
        verbose_name=_("round table"),
    )
    title = models.CharField(_("title"), max_length=500)
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, editable=False
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, editable=False)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("adoption recorded by"),
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roundtable:resolution", kwargs={"slug": self.event.slug})

    @property
    def is_frozen(self):
        """Adopted text is not edited; it must be reopened first."""
        return self.status in {self.Status.ADOPTED, self.Status.PUBLISHED}


class ResolutionSection(models.Model):
    """A numbered section: heading, lead-in ('Рекомендуется:') and its items."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="sections", verbose_name=_("resolution")
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    heading = models.CharField(_("heading"), max_length=500)
    lead = models.CharField(
        _("lead-in"), max_length=300, blank=True, help_text=_("E.g. Ұсынылады: / Рекомендуется:")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.heading


class ResolutionItem(models.Model):
    """One recommendation; its kk and ru texts are the same item in two languages."""

    section = models.ForeignKey(
        ResolutionSection, models.CASCADE, related_name="items", verbose_name=_("section")
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class ResolutionVersion(models.Model):
    """The whole text as it stood after a saved change, kept to compare any two."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="versions", verbose_name=_("resolution")
    )
    number = models.PositiveIntegerField(_("number"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Occasion(models.TextChoices):
        EDIT = "edit", _("Edited")
        IMPORT = "import", _("Imported")
        STATUS = "status", _("Status changed")
        AMENDMENT = "amendment", _("Amendment accepted")

    status = models.CharField(_("status"), max_length=12, choices=Resolution.Status)
    # What made the version, kept as data so that the note reads in each reader's language.
    occasion = models.CharField(
        _("occasion"), max_length=10, choices=Occasion, default=Occasion.EDIT
    )
    amendment_number = models.PositiveIntegerField(_("amendment No."), null=True, blank=True)
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["resolution", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"], name="resolution_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.resolution} · {self.number}"

    def note(self):
        """What made this version, in the active language: the new status, the amendment…"""
        if self.occasion == self.Occasion.STATUS:
            return self.get_status_display()
        if self.occasion == self.Occasion.AMENDMENT:
            return _("Amendment %(number)s accepted") % {"number": self.amendment_number}
        if self.occasion == self.Occasion.IMPORT:
            return self.get_occasion_display()
        return ""


class StatusChange(models.Model):
    """The history of a resolution's status: who moved it, when, and why."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="status_changes", verbose_name=_("resolution")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Resolution.Status)
    to_status = models.CharField(_("to"), max_length=12, choices=Resolution.Status)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["resolution", "changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Amendment(models.Model):
    """A participant's proposal to change an item, or to add one to a section."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="amendments", verbose_name=_("resolution")
    )
    section = models.ForeignKey(
        ResolutionSection,
        models.CASCADE,
        related_name="amendments",
        verbose_name=_("section"),
    )
    item = models.ForeignKey(
        ResolutionItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("item"),
        help_text=_("The item to change; empty to propose a new item."),
    )
    text = models.TextField(_("proposed text"))
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="amendments",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PROPOSED, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    comment = models.TextField(_("organisers' comment"), blank=True)
    result = models.ForeignKey(
        ResolutionItem,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("resulting item"),
    )

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["resolution", "proposed_at", "pk"]

    def __str__(self):
        return self.text[:80]
