"""The open call for papers of a round table, and the applications (заявка / өтінім) it receives.

An application keeps what the applicant typed, as they typed it, until they confirm their e-mail
address; only then does it become a person (matched to an existing one by that address) and a
submitted paper (proceedings/calls.py). An address nobody confirmed never reaches the roster.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proceedings.models.papers import Paper, Section, paper_storage
from speakers import orcid


def default_languages():
    return ["kk", "ru"]


class ReviewMode(models.TextChoices):
    SINGLE_BLIND = "single", _("Single-blind: the author does not see the reviewers")
    DOUBLE_BLIND = "double", _("Double-blind: nor do the reviewers see the authors")


class Call(models.Model):
    """A round table's call for papers: when it is open, what it accepts, what papers must meet."""

    event = models.OneToOneField(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="call",
        verbose_name=_("round table"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_at = models.DateTimeField(
        _("applications close at"), help_text=_("The last moment an application is accepted.")
    )
    languages = ArrayField(
        models.CharField(max_length=2, choices=settings.WRITTEN_LANGUAGES),
        verbose_name=_("languages of papers"),
        default=default_languages,
    )
    requirements = models.TextField(
        _("requirements"),
        blank=True,
        help_text=_("Format, length, references, as the information letter states them."),
    )
    max_pages = models.PositiveSmallIntegerField(_("pages at most"), null=True, blank=True)
    originality_share = models.PositiveSmallIntegerField(
        _("originality required, %"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of original text an originality check must find."),
    )
    template = models.FileField(
        _("paper template"),
        storage=paper_storage,
        upload_to="call-templates/",
        blank=True,
        help_text=_("A DOCX that shows authors how to lay out their paper."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("The call's page is public once published.")
    )
    review_mode = models.CharField(
        _("review"),
        max_length=6,
        choices=ReviewMode,
        default=ReviewMode.SINGLE_BLIND,
        help_text=_("Under double-blind review, reviewers see no author's name."),
    )

    class Meta:
        verbose_name = _("call for papers")
        verbose_name_plural = _("calls for papers")

    def __str__(self):
        return str(self.event)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.published and self.opens_on <= timezone.localdate(now) and now < self.closes_at

    def language_labels(self):
        names = dict(settings.WRITTEN_LANGUAGES)
        return [names[code] for code in self.languages if code in names]


class Application(models.Model):
    """One person's application with a paper, as sent through the call's form."""

    class Attendance(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remotely (online)")
        IN_ABSENTIA = "in_absentia", _("In absentia, publication only")

    call = models.ForeignKey(
        Call, models.CASCADE, related_name="applications", verbose_name=_("call for papers")
    )
    language = models.CharField(
        _("language for letters"), max_length=5, choices=settings.WRITTEN_LANGUAGES, default="kk"
    )
    # The applicant's name in each language they use (the roster prints Kazakh and Russian).
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300)
    position = models.CharField(_("position"), max_length=500)
    degree = models.ForeignKey(
        "speakers.Degree", models.PROTECT, null=True, blank=True, verbose_name=_("academic degree")
    )
    academic_title = models.ForeignKey(
        "speakers.AcademicTitle",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("academic title"),
    )
    rank = models.ForeignKey(
        "speakers.Rank", models.PROTECT, null=True, blank=True, verbose_name=_("rank")
    )
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"))
    orcid = models.CharField("ORCID", max_length=19, blank=True, validators=[orcid.validate])
    section = models.ForeignKey(
        Section,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    paper_language = models.CharField(
        _("language of the paper"), max_length=2, choices=settings.WRITTEN_LANGUAGES
    )
    paper_title = models.CharField(_("title of the paper"), max_length=500)
    coauthors = models.JSONField(
        _("co-authors"),
        default=list,
        blank=True,
        help_text=_("Surname, given name, patronymic, organisation and e-mail of each."),
    )
    attendance = models.CharField(
        _("form of participation"), max_length=12, choices=Attendance, default=Attendance.ON_SITE
    )
    file = models.FileField(
        _("paper file"), storage=paper_storage, upload_to="applications/", blank=True
    )
    consent_at = models.DateTimeField(
        _("consent to processing of personal data given at"), editable=False
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(
        _("e-mail confirmed at"), null=True, blank=True, editable=False
    )
    person = models.ForeignKey(
        "speakers.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("person"),
        editable=False,
    )
    paper = models.OneToOneField(
        Paper,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("paper"),
        editable=False,
    )
    possible_duplicate = models.ForeignKey(
        "speakers.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possibly the same person as"),
        help_text=_("Someone on the roster with the same name and another or no e-mail address."),
        editable=False,
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.full_name}: {self.paper_title}"

    @property
    def full_name(self):
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)
