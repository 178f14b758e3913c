"""The book: the proceedings of a round table, their builds and the page ranges each build
printed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proceedings import imprint, isbn, licences
from proceedings.models.papers import Paper, page_range, paper_storage


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
    running_title = models.CharField(
        _("running title"),
        max_length=100,
        blank=True,
        help_text=_(
            "The short title on the book's left-hand pages; without it the title is shortened "
            "after a whole word."
        ),
    )
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
    country = models.CharField(
        _("country"),
        max_length=100,
        blank=True,
        help_text=_("Where the round table was held, after the city: “Kazakhstan”."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=20,
        choices=licences.Licence,
        blank=True,
        help_text=_("The licence readers may reuse the papers under; the card links to it."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    annotation = models.TextField(
        _("annotation"),
        blank=True,
        help_text=_("The imprint page's note on what the collection holds and for whom."),
    )
    signed_to_print = models.DateField(
        _("signed to print"),
        null=True,
        blank=True,
        help_text=_("The date the output data prints as “Signed to print”."),
    )
    paper_format = models.CharField(
        _("format"),
        max_length=20,
        choices=imprint.PaperFormat.choices,
        default=imprint.PaperFormat.F60X84_8,
        help_text=_("The paper sheet and its share per page; the printed sheets follow from it."),
    )
    paper = models.CharField(
        _("paper"), max_length=100, blank=True, help_text=_("E.g. “Офсетная”.")
    )
    typeface = models.CharField(_("typeface"), max_length=100, blank=True, default="PT Serif")
    print_run = models.PositiveIntegerField(_("print run"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    printing_house = models.CharField(_("printing house"), max_length=300, blank=True)
    printing_house_address = models.CharField(
        _("address of the printing house"), max_length=500, blank=True
    )
    require_article_head = models.BooleanField(
        _("require the article head before acceptance"),
        default=False,
        help_text=_(
            "A paper is then accepted only with its authors' ORCID, organisation and e-mail, its "
            "UDC and IRSTI, and its abstracts and keywords in Kazakh, Russian and English."
        ),
    )

    class PaperStart(models.TextChoices):
        RIGHT_HAND = "right", _("On a right-hand page")
        NEXT_PAGE = "next", _("On the next page")

    papers_start = models.CharField(
        _("papers start"),
        max_length=5,
        choices=PaperStart,
        default=PaperStart.RIGHT_HAND,
        help_text=_(
            "On the next page, a paper runs on after the one before it, without a blank page "
            "between them; the front matter, each section, the resolution and the contents "
            "still start on a right-hand page."
        ),
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
    def licence_url(self):
        return licences.address(self.licence)

    @property
    def isbn_printed(self):
        """The ISBN with its hyphens, as the imprint page and the cards print it."""
        return isbn.printed(self.isbn)

    def conventional_sheets(self, pages):
        """The output data's “усл. печ. л.” for a book of `pages` pages, e.g. “10,23”."""
        return imprint.printed_sheets(pages, self.paper_format)

    def editor_lines(self):
        return [line.strip() for line in self.editors.splitlines() if line.strip()]

    def current_build(self):
        """The last successful screen build: its PDF is the book until a newer one succeeds.

        Print and archive builds are for the printing house and the archives; they never replace
        the book the site, the offprints and the feeds serve.
        """
        return self.builds.books().first()

    def running_build(self):
        return self.builds.filter(status__in=BookBuild.ACTIVE).order_by("-pk").first()


def book_path(build, filename):
    return f"books/{build.proceedings.event.slug}/{build.pk or 'new'}-{filename}"


def offprint_path(entry, filename):
    return book_path(entry.build, f"offprints/{filename}")


class BookBuildQuerySet(models.QuerySet):
    def succeeded(self):
        """The successful builds, the current book first."""
        return self.filter(status=BookBuild.Status.SUCCEEDED).order_by("-finished_at", "-pk")

    def books(self):
        """The successful screen builds, the books readers get, the current one first."""
        return self.succeeded().filter(variant=BookBuild.Variant.SCREEN)


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

    class Variant(models.TextChoices):
        """What a build is for; proceedings/book.py says how each variant is typeset."""

        SCREEN = "screen", _("For reading and the site")
        PRINT = "print", _("For the printing house")
        ARCHIVE = "archive", _("For archives and indexers (PDF/A-3u)")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    proceedings = models.ForeignKey(
        Proceedings, models.CASCADE, related_name="builds", verbose_name=_("proceedings")
    )
    variant = models.CharField(
        _("variant"), max_length=10, choices=Variant, default=Variant.SCREEN, editable=False
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
    offprint = models.FileField(
        _("offprint"),
        storage=paper_storage,
        upload_to=offprint_path,
        max_length=200,
        blank=True,
        help_text=_("The paper's pages cut from this build's book, its source line on the first."),
    )

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
