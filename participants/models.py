"""Listeners who register for a round table, who attended it, and their certificates.

A registration is kept as typed until its address is confirmed; confirmed, it names a Person
(matched by that address, or added) and gives them a Participation that is not listed until an
organiser lists it. Attendance is recorded once per person and round table, however it was
learnt (at the door, from the registration letter's QR code, from the video platform's list, by
hand, or from the programme for speakers and the moderator).
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from typesetting.pictures import validate_printed_picture


def new_token():
    """The secret of a registration's links (confirm, cancel) and of its letter's QR code."""
    return secrets.token_urlsafe(24)


class Mode(models.TextChoices):
    ONSITE = "onsite", _("on site")
    ONLINE = "online", _("online")


class RegistrationSettings(models.Model):
    """When a round table takes registrations and how many listeners it has room for."""

    event = models.OneToOneField(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="registration_settings",
        verbose_name=_("round table"),
    )
    is_open = models.BooleanField(_("registration open"), default=False)
    opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    onsite_capacity = models.PositiveIntegerField(
        _("seats on site"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. Once full, registrants join the waiting list."),
    )
    online_capacity = models.PositiveIntegerField(
        _("places online"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. Once full, registrants join the waiting list."),
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self):
        return str(self.event)

    def capacity(self, mode):
        return self.onsite_capacity if mode == Mode.ONSITE else self.online_capacity

    def state(self, now=None):
        """Whether registration is OPEN now, NOT_YET open, CLOSED by the organisers or its
        date, or PAST (the round table's day is over)."""
        now = now or timezone.now()
        if timezone.localdate(now) > self.event.date:
            return self.State.PAST
        if not self.is_open or (self.closes_at and now >= self.closes_at):
            return self.State.CLOSED
        if self.opens_at and now < self.opens_at:
            return self.State.NOT_YET
        return self.State.OPEN

    class State(models.TextChoices):
        OPEN = "open", _("Registration is open.")
        NOT_YET = "not_yet", _("Registration has not opened yet.")
        CLOSED = "closed", _("Registration is closed.")
        PAST = "past", _("The round table is over: registration is closed.")


class Registration(models.Model):
    """A listener's registration for one round table."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("address not confirmed")
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="registrations",
        verbose_name=_("round table"),
    )
    person = models.ForeignKey(
        "speakers.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("person"),
        help_text=_("Matched by e-mail address, or added, when the address is confirmed."),
    )
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    mode = models.CharField(_("takes part"), max_length=10, choices=Mode, default=Mode.ONSITE)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UNCONFIRMED, db_index=True
    )
    consent_at = models.DateTimeField(_("consent to personal data processing given"))
    consent_text = models.TextField(
        _("consent as worded"), help_text=_("The wording the registrant agreed to.")
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="registration_once_per_address",
                violation_error_message=_("This address is already registered."),
            ),
        ]

    def __str__(self):
        return f"{self.surname} {self.given_name} — {self.event}"

    @property
    def full_name(self):
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)

    @property
    def is_live(self):
        """Holds a place or waits for one: confirmed or on the waiting list."""
        return self.status in (self.Status.CONFIRMED, self.Status.WAITING)


class Attendance(models.Model):
    """That a person took part in a round table, on site or online, and how it was learnt."""

    class Source(models.TextChoices):
        DOOR = "door", _("checked in at the door")
        QR_CODE = "qr_code", _("QR code of the registration letter")
        ONLINE_IMPORT = "online_import", _("video platform's list")
        MANUAL = "manual", _("marked by hand")
        PROGRAMME = "programme", _("from the programme")

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="attendances",
        verbose_name=_("round table"),
    )
    person = models.ForeignKey(
        "speakers.Person",
        models.PROTECT,
        related_name="attendances",
        verbose_name=_("person"),
    )
    mode = models.CharField(_("took part"), max_length=10, choices=Mode, default=Mode.ONSITE)
    source = models.CharField(_("recorded from"), max_length=20, choices=Source)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["event", "checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                name="attendance_once_per_event",
                violation_error_message=_("This person is already checked in."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.event}"


# --- Certificates ---------------------------------------------------------------------------------


def certificate_storage():
    """Typeset certificates have their own storage, without a public URL (settings.STORAGES)."""
    return storages["certificates"]


class CertificateTemplate(models.Model):
    """What a round table's certificates say, who signs them, and the logo at their head."""

    event = models.OneToOneField(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="certificate_template",
        verbose_name=_("round table"),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example: Certificate of participation.")
    )
    wording = models.TextField(
        _("wording"),
        help_text=_(
            "The sentence above the theme, for example: took part in the international round "
            "table. The name and the role are printed above it."
        ),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="certificates/logos/",
        blank=True,
        validators=[validate_printed_picture],
        help_text=_("PNG or JPEG, at most 4000 × 4000 pixels."),
    )
    number_prefix = models.CharField(
        _("number prefix"),
        max_length=10,
        default="RT",
        help_text=_("Letters before the year in the certificates' numbers."),
    )

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self):
        return str(self.event)


class Signatory(models.Model):
    """Someone whose name, position and signature a round table's certificates carry."""

    template = models.ForeignKey(
        CertificateTemplate,
        models.CASCADE,
        related_name="signatories",
        verbose_name=_("certificate template"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300)
    signature = models.ImageField(
        _("signature image"),
        upload_to="certificates/signatures/",
        blank=True,
        validators=[validate_printed_picture],
        help_text=_("PNG or JPEG, at most 4000 × 4000 pixels; a transparent PNG prints best."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """A person's certificate of participation in a round table, numbered once and for good.

    Its number is `<prefix>-<year>-<serial>-<check>`: the serial runs through the year, the check
    part is random, so a number cannot be guessed from another (participants/certificates.py).
    """

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")
        MODERATOR = "moderator", _("moderator")

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="certificates",
        verbose_name=_("round table"),
    )
    person = models.ForeignKey(
        "speakers.Person",
        models.PROTECT,
        related_name="certificates",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.PARTICIPANT)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial number in the year"), editable=False)
    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    in_english = models.BooleanField(
        _("also in English"),
        default=False,
        help_text=_("Kazakh and Russian pages are always printed; English on request."),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=certificate_storage, upload_to="certificates/", blank=True
    )
    download_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["event", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="certificate_once_per_event"),
            models.UniqueConstraint(fields=["year", "serial"], name="certificate_serial_per_year"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def languages(self):
        """The languages of its pages, one page each."""
        return ["kk", "ru", "en"] if self.in_english else ["kk", "ru"]


class CertificateBatch(models.Model):
    """Certificates issued and sent together, with the counts the admin shows as progress."""

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="certificate_batches",
        verbose_name=_("round table"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        verbose_name = _("certificate mailing")
        verbose_name_plural = _("certificate mailings")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.event} — {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def done(self):
        return self.sent + self.failed

    @property
    def percent(self):
        return 100 if not self.total else 100 * self.done // self.total

    @property
    def is_finished(self):
        return self.done >= self.total
