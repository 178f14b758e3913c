from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from proceedings import conversion, isbn
from speakers import names


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
        _("language of the paper"), max_length=2, choices=settings.LANGUAGES
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by commas.")
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


class Proceedings(models.Model):
    """The collection of a round table's papers: what its cover, title and imprint pages print.

    Its sections are the round table's (`Section.event`), in their order; its papers are the
    accepted ones. The book itself is the last successful `BookBuild`.
    """

    event = models.OneToOneField(
        "roundtable.RoundTable",
        models.CASCADE,
        related_name="proceedings",
        verbose_name=_("round table"),
    )
    title = models.CharField(
        _("title of the collection"),
        max_length=500,
        help_text=_("As the cover prints it, e.g. “Materials of the round table …”."),
    )
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    organiser = models.CharField(
        _("organiser"),
        max_length=500,
        blank=True,
        help_text=_("The institution above the title on the cover."),
    )
    isbn = models.CharField(
        "ISBN",
        max_length=17,
        blank=True,
        validators=[isbn.validate],
        help_text=_("ISBN-13; stored without hyphens and printed with them."),
    )
    udc = models.CharField(_("UDC"), max_length=100, blank=True)
    bbk = models.CharField(_("LBC (ББК)"), max_length=100, blank=True)
    author_mark = models.CharField(
        _("author mark"),
        max_length=20,
        blank=True,
        help_text=_("The cataloguing mark printed beside the UDC and LBC, e.g. М 34."),
    )
    editors = models.TextField(
        _("editorial board"),
        blank=True,
        help_text=_("One member per line, as printed: “Ахметов А.Б. – chief editor, д.ю.н.”."),
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    annotation = models.TextField(
        _("annotation"),
        blank=True,
        help_text=_("The imprint page's note on what the collection holds and for whom."),
    )
    include_programme = models.BooleanField(_("include the programme"), default=True)
    include_participants = models.BooleanField(_("include the participant list"), default=True)
    include_resolution = models.BooleanField(_("include the resolution"), default=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Published proceedings show their papers, cards and book to everyone."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("proceedings")
        verbose_name_plural = _("proceedings")
        ordering = ["-year", "event"]
        permissions = [("build_proceedings", _("Can build the proceedings book"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The date a citation gives: the first publication, kept when it is unpublished and
        # published again.
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def clean(self):
        self.isbn = isbn.compact(self.isbn)

    @property
    def isbn_printed(self):
        """The ISBN with its hyphens, as the imprint page and the cards print it."""
        return isbn.printed(self.isbn)

    def editor_lines(self):
        return [line.strip() for line in self.editors.splitlines() if line.strip()]

    def current_build(self):
        """The last successful build: its PDF is the book until a newer build succeeds."""
        return self.builds.succeeded().first()

    def running_build(self):
        return self.builds.filter(status__in=BookBuild.ACTIVE).order_by("-pk").first()


def book_path(build, filename):
    return f"books/{build.proceedings.event.slug}/{build.pk or 'new'}-{filename}"


class BookBuildQuerySet(models.QuerySet):
    def succeeded(self):
        """The successful builds, the current book first."""
        return self.filter(status=BookBuild.Status.SUCCEEDED).order_by("-finished_at", "-pk")


class BookBuild(models.Model):
    """One run of typesetting the book: its progress while it runs, then its PDF or its error.

    Builds are history: a new one never replaces an old row, and a failed one leaves the last
    successful PDF in place. At most one build per proceedings is queued or running at a time
    (a database constraint, so two staff pressing the button at once cannot both start one).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        WAITING = "waiting", _("Waiting for the worker")
        COLLECTING = "collecting", _("Collecting the papers")
        PAPERS = "papers", _("Typesetting the papers")
        FRONT_MATTER = "front", _("Typesetting the front matter and contents")
        MERGING = "merging", _("Merging and numbering the pages")
        SAVING = "saving", _("Saving the book")
        DONE = "done", _("Done")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    proceedings = models.ForeignKey(
        Proceedings, models.CASCADE, related_name="builds", verbose_name=_("proceedings")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, editable=False
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage, default=Stage.WAITING, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0, editable=False)
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    progressed_at = models.DateTimeField(
        _("last progress at"), null=True, blank=True, editable=False
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)
    pdf = models.FileField(
        _("PDF"), storage=paper_storage, upload_to=book_path, max_length=200, blank=True
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    papers_typeset = models.PositiveIntegerField(
        _("papers typeset"), default=0, editable=False, help_text=_("The rest came from the cache.")
    )
    error = models.TextField(_("error"), blank=True, editable=False)

    objects = BookBuildQuerySet.as_manager()

    class Meta:
        verbose_name = _("book build")
        verbose_name_plural = _("book builds")
        ordering = ["proceedings", "-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceedings"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_book_build",
                violation_error_message=_("This book is already being built."),
            )
        ]

    def __str__(self):
        return f"{self.proceedings} · {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class BookEntry(models.Model):
    """Where a paper stands in a built book: its number in the collection and its pages.

    Written from the PDF that was actually produced, so the contents, the article cards and the
    paper's own PDF all agree with the printed pages.
    """

    build = models.ForeignKey(
        BookBuild, models.CASCADE, related_name="entries", verbose_name=_("book build")
    )
    paper = models.ForeignKey(
        Paper, models.CASCADE, related_name="book_entries", verbose_name=_("paper")
    )
    number = models.PositiveIntegerField(_("number in the collection"))
    first_page = models.PositiveIntegerField(_("first page"))
    last_page = models.PositiveIntegerField(_("last page"))

    class Meta:
        verbose_name = _("paper in the book")
        verbose_name_plural = _("papers in the book")
        ordering = ["build", "number"]
        constraints = [
            models.UniqueConstraint(fields=["build", "paper"], name="book_entry_paper_unique"),
            models.UniqueConstraint(fields=["build", "number"], name="book_entry_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.paper} ({self.pages})"

    @property
    def pages(self):
        return page_range(self.first_page, self.last_page)
