"""Papers: the sections of a collection, papers, their authors, uploaded versions and review
history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from proceedings import classification, conversion
from speakers import english_names, names, orcid


def paper_storage():
    """Uploaded papers live in their own storage, which has no public URL (settings.STORAGES)."""
    return storages["papers"]


class Section(models.Model):
    """A section of the collection; papers are grouped by it in the book."""

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="paper_sections",
        verbose_name=_("round table"),
    )
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)

    class Meta:
        verbose_name = _("section of the collection")
        verbose_name_plural = _("sections of the collection")
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return self.name


def split_keywords(text):
    """Keywords as authors write them, separated by commas or semicolons, as a list."""
    return [word.strip() for word in text.replace(";", ",").split(",") if word.strip()]


def page_range(first, last):
    """ "196–201", or "7" for a one-page paper."""
    return str(first) if first == last else f"{first}–{last}"


class PaperQuerySet(models.QuerySet):
    def of_speaker(self, user):
        """The papers `user` submits, through the person their account is linked to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(speaker__user=user)


class Paper(models.Model):
    """A paper a speaker submits for the proceedings; its files are its versions."""

    class Status(models.TextChoices):
        # A paper's draft is not a resolution's (Черновик / Проект): its own context.
        DRAFT = "draft", pgettext_lazy("paper status", "Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVISION = "revision", _("Revision requested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="papers",
        verbose_name=_("round table"),
    )
    talk = models.ForeignKey(
        "roundtable.ProgrammeItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("talk"),
    )
    speaker = models.ForeignKey(
        "speakers.Person",
        models.PROTECT,
        related_name="papers",
        verbose_name=_("speaker"),
        help_text=_("The person who submits the paper and receives the decision."),
    )
    language = models.CharField(
        _("language of the paper"), max_length=2, choices=settings.WRITTEN_LANGUAGES
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    running_title = models.CharField(
        _("running title"),
        max_length=100,
        blank=True,
        help_text=_(
            "A short title, printed at the top of the paper's right-hand pages in the book; "
            "without it they print the authors."
        ),
    )
    abstract = models.TextField(_("abstract"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by commas.")
    )
    udc = models.CharField(
        _("UDC"), max_length=100, blank=True, validators=[classification.validate_udc]
    )
    irsti = models.CharField(
        _("IRSTI (МРНТИ)"), max_length=20, blank=True, validators=[classification.validate_irsti]
    )
    section = models.ForeignKey(
        Section,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("section of the collection"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    current_version = models.OneToOneField(
        "PaperVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("current version"),
    )
    position = models.PositiveIntegerField(
        _("position in the section"),
        default=0,
        db_index=True,
        help_text=_("Papers are printed in this order within their section."),
    )
    uploads_reopened = models.BooleanField(
        _("uploads reopened"),
        default=False,
        help_text=_("The speaker may upload after the deadline, until the next decision."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["event", "section__position", "position", "pk"]

    def __str__(self):
        return self.title_in_own_language or _("Paper No. %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("proceedings:paper", kwargs={"pk": self.pk})

    @property
    def title_in_own_language(self):
        """The title as written in the paper's language: how the contents print it."""
        return (getattr(self, f"title_{self.language}", "") or "") if self.language else ""

    def clean(self):
        errors = {}
        if self.language and not self.title_in_own_language.strip():
            errors[f"title_{self.language}"] = _("Give the title in the language of the paper.")
        if self.section_id and self.section.event_id != self.event_id:
            errors["section"] = _("Choose a section of this round table.")
        if self.talk_id and self.talk.event_id != self.event_id:
            errors["talk"] = _("Choose a talk of this round table.")
        if errors:
            raise ValidationError(errors)

    def keyword_list(self):
        return split_keywords(self.keywords)


class Author(models.Model):
    """An author of a paper, or its scientific supervisor, as the collection prints them."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        SUPERVISOR = "supervisor", _("Scientific supervisor")

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="authors", verbose_name=_("paper")
    )
    # Authors sort before the supervisor ("author" < "supervisor"), as collections list them.
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.AUTHOR)
    order = models.PositiveIntegerField(_("order"), default=0)
    person = models.ForeignKey(
        "speakers.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorships",
        verbose_name=_("person"),
        help_text=_("When the author is also on the round table's roster."),
    )
    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    standing = models.CharField(
        _("status or position"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 2nd-year master's student; senior lecturer."),
    )
    degree = models.ForeignKey(
        "speakers.Degree",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("academic degree"),
    )
    academic_title = models.ForeignKey(
        "speakers.AcademicTitle",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("academic title"),
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    orcid = models.CharField("ORCID", max_length=19, blank=True, validators=[orcid.validate])

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["paper", "role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper"],
                condition=Q(role="supervisor"),
                name="paper_has_one_supervisor",
                violation_error_message=_("A paper has one scientific supervisor."),
            )
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        english_names.suggest(self, self.person)
        super().save(*args, **kwargs)

    def clean(self):
        language = self.paper.language if self.paper_id else None
        if language and not (getattr(self, f"surname_{language}", "") or "").strip():
            raise ValidationError(
                {f"surname_{language}": _("Give the surname in the language of the paper.")}
            )

    @property
    def full_name(self):
        return names.full_name(self.surname, self.given_name, self.patronymic)

    @property
    def short_name(self):
        """ "Ахманов А.Т.", as collections print authors."""
        return names.short_name(self.surname, self.given_name, self.patronymic)

    def name_in(self, language):
        """(surname, given name, patronymic) exactly as written in `language`, "" when not."""
        return tuple(
            getattr(self, f"{part}_{language}") or ""
            for part in ("surname", "given_name", "patronymic")
        )

    def short_name_in(self, language):
        """The short name as printed in `language`, e.g. a Kazakh paper's authors in Kazakh.

        Without a surname in `language` it is the one the reader's language gives; a missing
        given name or patronymic is taken from there too.
        """
        surname, given_name, patronymic = self.name_in(language)
        if not surname:
            return self.short_name
        return names.short_name(
            surname, given_name or self.given_name, patronymic or self.patronymic
        )

    @property
    def credentials(self):
        """Degree and title as printed after a supervisor's name, e.g. з.ғ.к., доцент."""
        return ", ".join(term.printed for term in (self.degree, self.academic_title) if term)


class PaperVersion(models.Model):
    """One uploaded file of a paper. Immutable: a new upload is a new version."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="versions", verbose_name=_("paper")
    )
    number = models.PositiveIntegerField(_("number"))
    file = models.FileField(_("file"), storage=paper_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why an organiser uploaded this version for the speaker."),
    )
    html = models.TextField(
        _("converted text"), blank=True, help_text=_("The DOCX as sanitised HTML, for the book.")
    )
    conversion_warnings = models.JSONField(_("conversion warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["paper", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="paper_version_number_unique")
        ]

    def __str__(self):
        return f"{self.paper} · {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A paper version is immutable; upload a new version instead.")
        super().save(*args, **kwargs)

    def warnings(self):
        """What the conversion dropped, in the reader's language."""
        return [conversion.describe(warning) for warning in self.conversion_warnings]

    def get_download_url(self):
        return reverse("proceedings:download", kwargs={"pk": self.paper_id, "number": self.number})


class PaperStatusChange(models.Model):
    """The review history of a paper: who moved it, when, and what they said."""

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="status_changes", verbose_name=_("paper")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Paper.Status)
    to_status = models.CharField(_("to"), max_length=10, choices=Paper.Status)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["paper", "changed_at", "pk"]

    def __str__(self):
        return f"{self.paper}: {self.from_status} → {self.to_status}"


class TextCorrection(models.Model):
    """A word an editor had the portal write in its own script (proceedings/proofreading.py):
    `Рolisia` → `Polisia`, printed so in every version of the paper. The uploaded files and
    their converted text stay as the author sent them."""

    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="corrections", verbose_name=_("paper")
    )
    version = models.ForeignKey(
        PaperVersion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
    )
    original = models.CharField(_("as written"), max_length=200)
    corrected = models.CharField(_("corrected"), max_length=200)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    made_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("text correction")
        verbose_name_plural = _("text corrections")
        ordering = ["paper", "made_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "original"], name="one_correction_per_word_of_a_paper"
            )
        ]

    def __str__(self):
        return f"{self.original} → {self.corrected}"
