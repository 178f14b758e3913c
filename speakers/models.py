from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language, resolution_order  # kk on /kk-latn/ pages

from speakers import account_rules, english_names, names


class Term(models.Model):
    """An entry of a small translated vocabulary that organisers enter once and reuse."""

    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def printed(self):
        """How the term appears in a printed position line."""
        return self.name


class Degree(Term):
    """An academic degree: заң ғылымдарының кандидаты, з.ғ.к. = кандидат юридических наук, к.ю.н."""

    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=60,
        blank=True,
        help_text=_("As printed after a position, e.g. з.ғ.к. / к.ю.н."),
    )

    class Meta(Term.Meta):
        verbose_name = _("academic degree")
        verbose_name_plural = _("academic degrees")

    @property
    def printed(self):
        return self.abbreviation or self.name


class AcademicTitle(Term):
    """An academic title: профессор, қауымдастырылған профессор (доцент)."""

    class Meta(Term.Meta):
        verbose_name = _("academic title")
        verbose_name_plural = _("academic titles")


class Rank(Term):
    """A special or military rank: полиция полковнигі = полковник полиции."""

    class Meta(Term.Meta):
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")


class Person(models.Model):
    """Someone who speaks at or takes part in round tables, named as printed in each language."""

    slug = models.SlugField(
        _("identifier"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used in addresses and imports, e.g. the surname in Latin."),
    )
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    position = models.CharField(
        _("position"),
        max_length=500,
        blank=True,
        help_text=_("Post and organisation in words, without degree, title or rank."),
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    degree = models.ForeignKey(
        Degree, models.PROTECT, null=True, blank=True, verbose_name=_("academic degree")
    )
    academic_title = models.ForeignKey(
        AcademicTitle, models.PROTECT, null=True, blank=True, verbose_name=_("academic title")
    )
    rank = models.ForeignKey(Rank, models.PROTECT, null=True, blank=True, verbose_name=_("rank"))
    printed_position = models.CharField(
        _("position as printed"),
        max_length=700,
        blank=True,
        help_text=_(
            "The whole line exactly as the programme prints it. Leave empty to compose it from "
            "position, degree, title and rank."
        ),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language for letters"),
        max_length=5,
        choices=settings.WRITTEN_LANGUAGES,
        default="kk",
        help_text=_("Invitations and other letters to this person are written in it."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
        help_text=_("The account this person signs in with."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["surname", "given_name"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        english_names.suggest(self)
        super().save(*args, **kwargs)

    def clean(self):
        if self.user_id is not None:
            refusal = account_rules.link_refusal(self.user, self)
            if refusal:
                raise ValidationError({"user": refusal})

    @property
    def full_name(self):
        return names.full_name(self.surname, self.given_name, self.patronymic)

    @property
    def short_name(self):
        return names.short_name(self.surname, self.given_name, self.patronymic)

    @property
    def position_line(self):
        """The position as printed under the name in the active language."""
        code = self.position_language
        if printed := getattr(self, f"printed_position_{code}"):
            return printed
        terms = (self.degree, self.academic_title, self.rank)
        position = getattr(self, f"position_{code}")
        return ", ".join(part for part in [position, *(t.printed for t in terms if t)] if part)

    @property
    def position_language(self):
        """The language `position_line` is written in: the active one when it has the printed
        line or the position, else the first fallback that has either (an English position
        typed without an English printed line is shown, not the Russian printed line)."""
        order = resolution_order(get_language())
        for code in order:
            if getattr(self, f"printed_position_{code}") or getattr(self, f"position_{code}"):
                return code
        return order[0]

    def event_ids(self):
        """The round tables this person appears in: on the roster, in the programme's draft or in
        a release of it."""
        return {
            *self.participations.values_list("event_id", flat=True),
            *self.programme_items.values_list("event_id", flat=True),
            *self.released_items.values_list("release__event_id", flat=True),
        }


class Participation(models.Model):
    """A person's part in one round table: moderator, speaker, listed participant."""

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="participations",
        verbose_name=_("round table"),
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="participations", verbose_name=_("person")
    )
    is_moderator = models.BooleanField(_("moderator"), default=False)
    is_speaker = models.BooleanField(_("speaker"), default=False)
    is_listed = models.BooleanField(
        _("in the participant list"),
        default=True,
        help_text=_("Printed in the list of participants."),
    )
    order = models.PositiveIntegerField(_("order in the participant list"), default=0)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["event", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                name="participation_once_per_event",
                violation_error_message=_("This person already takes part in the round table."),
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(is_moderator=True),
                name="one_moderator_per_event",
                violation_error_message=_("A round table has only one moderator."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.event}"

    def get_absolute_url(self):
        return reverse(
            "roundtable:speaker", kwargs={"slug": self.event.slug, "person": self.person.slug}
        )

    @property
    def roles(self):
        flags = [
            (self.is_moderator, _("moderator")),
            (self.is_speaker, _("speaker")),
            (self.is_listed, _("participant")),
        ]
        return [label for flag, label in flags if flag]


class Invitation(models.Model):
    """One letter inviting a person to set a password and upload papers for a round table.

    Written by `speakers.invitations.invite`; `accepted_at` is set when the person sets a password
    through the letter's link (or through "forgot password").
    """

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="invitations",
        verbose_name=_("round table"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.person} — {self.event}"


class Letter(models.Model):
    """A letter the portal writes to someone, and whether it went (speakers/letters.py).

    Written in the recipient's language when it is queued; a task sends it, retrying while the
    mail server fails, and records every attempt. Once sent, its text is cleared: an invitation's
    carries a link that sets the account's password, and it is not kept where it is not needed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("not sent")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        PAPER_DECISION = "paper_decision", _("decision on a paper")
        APPLICATION_CONFIRMATION = "application_confirmation", _("confirmation of an application")
        PAPER_SUBMITTED = "paper_submitted", _("paper submitted")
        PAPER_REVISED = "paper_revised", _("paper revised")
        DEADLINE_REMINDER = "deadline_reminder", _("reminder of the deadline for papers")
        REVIEW_REQUEST = "review_request", _("request for a review")
        REVIEW_REMINDER = "review_reminder", _("reminder of a review due")
        REGISTRATION_ADDRESS = "registration_address", _("confirmation of a registration's address")
        REGISTRATION_CONFIRMED = "registration_confirmed", _("registration confirmed")
        REGISTRATION_WAITING = "registration_waiting", _("registration on the waiting list")
        REGISTRATION_PROMOTED = "registration_promoted", _("place freed for a waiting registrant")
        REGISTRATION_CANCELLED = "registration_cancelled", _("registration cancelled")
        CERTIFICATE = "certificate", _("certificate of participation")
        SCHEDULE_CHANGE = "schedule_change", _("change of the programme")

    kind = models.CharField(_("kind of letter"), max_length=50, choices=Kind)
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("person"),
    )
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    # What the letter is about: the paper decided on, the invitation.
    about_type = models.ForeignKey(
        "contenttypes.ContentType", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # What a letter that goes once per occasion was for: the deadline a reminder is about.
    occasion = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["about_type", "about_id"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"
