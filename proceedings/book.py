"""The proceedings book: front matter, the accepted papers by section, the resolution, contents.

The book is built from parts, each typeset as a document of its own and cached on disk
(BOOK_CACHE_DIR) under a hash of its HTML, the print stylesheets and the WeasyPrint version:

    front         cover, its blank back, title page, imprint (no folios, no running heads)
    programme     in Kazakh, then in Russian                   (Proceedings.include_programme)
    participants  the list, in Kazakh, then in Russian         (include_participants)
    papers        by section in section order, then Paper.position; the first paper of a
                  section carries the section's heading (a heading page of its own when that
                  paper is an uploaded PDF); an uploaded PDF goes in as it is, fitted to A4
    resolution    in Kazakh, then in Russian                   (include_resolution)
    contents      Мазмұны / Содержание

Every part starts on a right-hand (odd) page, a blank page before it when needed; papers may run
on instead (Proceedings.papers_start): a paper that follows a paper, or its section's heading
page, starts on the next page, odd or even. The print stylesheet mirrors the margins, and each
part is a document of its own whose first page WeasyPrint takes for a right-hand page, so a part
placed on an even page is typeset again starting on a left-hand page (Part.starts_left; its HTML,
and so its cache key, says so). Left and right pages have the same measure, so a part has as many
pages either way and the placement stands. A rebuild
typesets only the parts whose hash is not in the cache, in a pool of worker processes (one per
core, ending with the build: when it fails, is stopped or its process dies); the parent renders
the HTML from the database, the workers only typeset it. Then the parts are merged with pypdf
and the folios and running heads (the collection's title on left pages; on right pages a paper's
running title, else its authors, and another part's title; none on the front, on blank pages, nor
on the first page of a part, as books do) are stamped on from an overlay (typesetting/folios.py):
one small document, typeset beside the parts, with a page per running head and the ten digits,
from which each page's folio is made.

The pool's rounds: every part missing from the cache with the overlay and the blank page; the
parts placed on an even page, again (place_sides); the contents, while the parent reads the parts
for the merge; the front matter and output data, which print the page count.

Page numbers are therefore known from where the parts fall, not from WeasyPrint: CSS
`target-counter` counts pages within one document and cannot reach across separately typeset
(and separately cached) ones. That is also why the contents come last, as Kazakh and Russian
collections print them: typeset after everything is placed, its length moves no other page, so
one pass gives every range. The contents still set their leader dots with CSS `leader()`.

Page numbers are physical: page 1 is the cover, and page n is the PDF's page index n - 1.

A build is of one variant (BookBuild.Variant, see VARIANTS): the screen book, the same book for
the printing house (print/press.css after the other stylesheets: 3 mm bleed with crop marks, text
and rules in CMYK black, and a back cover carrying the ISBN's barcode, the page count a multiple
of 4), or the archive copy (PDF/A-3u). What a variant changes is part of every cache key. Blank
pages are typeset too, and uploaded papers get their page boxes, so that in a book with bleed
every page has the same boxes; the folio overlay is drawn within the trim box.

Each build touches the cached parts it uses and deletes those no build has used for
BOOK_CACHE_MAX_AGE, so the cache holds what current books are made of, not every draft ever.
"""

import contextlib
import dataclasses
import gc
import hashlib
import io
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, TextStringObject

from portal.parent_death import die_with_parent
from proceedings import barcodes
from proceedings.article import article, contents_line, with_authors
from proceedings.models import BookBuild, BookEntry, Paper, PaperVersion, page_range
from resolutions.exports import printed_text
from resolutions.models import Resolution
from roundtable.models import RoundTable
from roundtable.schedule import printed_programme
from speakers.models import Participation
from typesetting import folios, font_sharing, object_streams, structure_tree, xmp
from typesetting.line_spans import without_line_spans
from typesetting.printing import lay_out, static_file
from typesetting.typography import running_title, tie_html

logger = logging.getLogger(__name__)

Stage = BookBuild.Stage
# The book prints its own words in Kazakh, then in Russian: the programme, the participant list
# and the resolution in both, in this order. Its PDF metadata and left running heads are Kazakh.
LANGUAGES = ("kk", "ru")
BOOK_LANGUAGE = LANGUAGES[0]
# Fixed forms of the collection, in the book's languages whatever the reader's language is.
PRINTED = {
    "kk": {
        "programme": "Бағдарлама",
        "participants": "Қатысушылар тізімі",
        "contents": "Мазмұны",
        "editors": "Редакциялық алқа:",
    },
    "ru": {
        "programme": "Программа",
        "participants": "Список участников",
        "contents": "Содержание",
        "editors": "Редакционная коллегия:",
    },
}
STYLESHEETS = ("print/print.css", "print/book.css")
# Pictures are downsampled to print resolution and recompressed. Parts are tagged (headings,
# paragraphs, lists, figures, links, each part's language) and structure_tree joins their tags.
PDF_OPTIONS = {"dpi": 300, "optimize_images": True, "jpeg_quality": 85, "pdf_version": "1.7"}
TAGGED = {"pdf_tags": True}
# Change when the way parts are made changes, so that cached parts are made again.
PIPELINE = "book-6"
# Contents entries link to their pages with this scheme; merge() turns them into page links.
PAGE_LINK = "book-page:"
# Parts printed without folios, running heads or an entry in the outline.
UNNUMBERED = ("front", "output", "back")


@dataclass(frozen=True)
class Variant:
    """How one variant of the book is typeset; everything it changes is in its repr, which the
    parts' cache keys include."""

    stylesheets: tuple[str, ...] = ()  # static names applied after STYLESHEETS
    pdf_options: tuple[tuple[str, object], ...] = ()  # WeasyPrint's, beside PDF_OPTIONS
    back_cover: bool = False  # a back cover with the ISBN barcode; pages a multiple of 4

    def options(self):
        return {**PDF_OPTIONS, **dict(self.pdf_options)}

    @property
    def archival(self):
        """Typeset as PDF/A: the merged book claims it too (typesetting/xmp.py)."""
        return dict(self.pdf_options).get("pdf_variant", "").startswith("pdf/a")


VARIANTS = {
    BookBuild.Variant.SCREEN: Variant(),
    BookBuild.Variant.PRINT: Variant(stylesheets=("print/press.css",), back_cover=True),
    # Its parts are PDF/A-3u (fonts embedded, sRGB output intent, printable annotations); the
    # merged book gets the output intent, the identifier and the XMP claim in add_metadata.
    BookBuild.Variant.ARCHIVE: Variant(pdf_options=(("pdf_variant", "pdf/a-3u"),)),
}


@dataclass
class Placement:
    paper_id: int
    number: int
    first_page: int
    last_page: int


@dataclass
class Book:
    pdf: bytes
    page_count: int
    placements: list[Placement]
    papers_typeset: int

    def entries(self, build):
        """The BookEntry rows (unsaved) of `build`, which made this book: where each paper is."""
        return [
            BookEntry(
                build=build,
                paper_id=placement.paper_id,
                number=placement.number,
                first_page=placement.first_page,
                last_page=placement.last_page,
            )
            for placement in self.placements
        ]


@dataclass
class Part:
    """One separately typeset document of the book."""

    kind: str  # front, programme, participants, section, paper, resolution, contents, folios
    label: str  # in the outline and the contents
    head: str = ""  # running head on its right-hand pages
    html: str = ""
    source: bytes | None = None  # an uploaded PDF, fitted to A4 instead of typeset
    paper: Paper | None = None
    section: object = None  # the Section whose heading this part carries
    key: str = ""
    path: Path | None = None  # its typeset PDF in the cache
    pages: int = 0  # how many pages it has
    first_page: int = 0  # physical page numbers, once placed
    last_page: int = 0
    tagged: bool = True  # the folio overlay is not: stamped on, it is marked as an artifact
    starts_left: bool = False  # typeset with its first page a left-hand one
    extra: dict = field(default_factory=dict)

    read_from: Path | None = None  # the file `reader` read (a part typeset anew is read again)

    @property
    def reader(self):
        """The typeset PDF, read when it is first needed: reading a tagged part's object streams
        costs more than placing the whole book, so the page count comes from beside the file."""
        if self.read_from != self.path:
            self._reader, self.read_from = PdfReader(self.path), self.path
        return self._reader

    def read_ahead(self):
        """Parse every object of the typeset PDF now, while the pool typesets other parts: the
        merge then finds them parsed (pypdf keeps what it resolved)."""
        reader = self.reader
        for number in range(1, int(reader.trailer["/Size"])):
            reader.get_object(number)

    def pdf_options(self, variant):
        return {**variant.options(), **(TAGGED if self.tagged else {})}

    @property
    def numbered(self):
        return self.kind not in UNNUMBERED

    @property
    def document(self):
        """The HTML typeset: the root's class `starts-left` (print/book.css) makes WeasyPrint
        take the first page for a left-hand page."""
        if not self.starts_left:
            return self.html
        return self.html.replace("<html ", '<html class="starts-left" ', 1)


def build(proceedings, *, variant=BookBuild.Variant.SCREEN, report=None):
    """Typeset the book of `proceedings` in `variant` (a BookBuild.Variant); see the module
    docstring.

    `report(stage, progress)` is called as the build goes (progress 0..100).
    """
    variant = VARIANTS[variant]
    report = report or (lambda stage, progress: None)
    report(Stage.COLLECTING, 0)
    cache = Path(settings.BOOK_CACHE_DIR)
    cache.mkdir(parents=True, exist_ok=True)
    parts = collect(proceedings)
    # The running heads and the folios' digits are known before any page is placed.
    overlay = overlay_part(proceedings, parts)
    blank = Part("blank", "", html=render("print/book/blank.html", {}), tagged=False)
    report(Stage.PAPERS, 5)
    typeset = typeset_parts([*parts, overlay, blank], cache, variant, report)
    typeset += place_sides(
        parts,
        cache,
        variant,
        run_on=proceedings.papers_start == proceedings.PaperStart.NEXT_PAGE,
    )
    report(Stage.FRONT_MATTER, 80)
    contents = contents_part(proceedings, parts)
    # While a worker typesets the contents, the parent reads what it will merge.
    typeset += typeset_parts([contents], cache, variant, meanwhile=[*parts, overlay, blank])
    place([contents], first_page=parts[-1].last_page + 1)
    parts.append(contents)
    # Every page is placed now: what is left to typeset is the front matter and output data
    # with the page count.
    finishing = imprint_parts(proceedings, parts, variant)
    typeset += typeset_parts(finishing, cache, variant, meanwhile=[contents])
    place_output(parts)
    report(Stage.MERGING, 88)
    pdf, page_count = merge(proceedings, parts, overlay, blank, cache, variant)
    prune(cache, settings.BOOK_CACHE_MAX_AGE)
    papers = [part for part in parts if part.kind == "paper"]
    report(Stage.MERGING, 100)
    return Book(
        pdf=pdf,
        page_count=page_count,
        placements=[
            Placement(part.paper.pk, part.extra["number"], part.first_page, part.last_page)
            for part in papers
        ],
        # A paper typeset again for a left-hand start counts once.
        papers_typeset=len({part.paper.pk for part in typeset if part.kind == "paper"}),
    )


# --- The parts ------------------------------------------------------------------------------------


def collect(proceedings):
    """The parts before the contents, in book order, their HTML rendered (or PDF read)."""
    event = proceedings.event
    title = proceedings.title_kk
    parts = [
        Part(
            "front",
            title,
            html=render("print/book/front.html", {"proceedings": proceedings, "event": event}),
        )
    ]
    if proceedings.include_programme:
        parts += programme_parts(event)
    if proceedings.include_participants:
        parts += participant_parts(event)
    parts += paper_parts(proceedings)
    if proceedings.include_resolution:
        parts += resolution_parts(event)
    return parts


def render(template, context, lang=BOOK_LANGUAGE, title=""):
    """A part's HTML, which does not link its stylesheets: typeset_job applies them parsed."""
    context = {**context, "lang": lang, "title": title, "stylesheets_apart": True}
    with translation.override(lang):
        return tie_html(render_to_string(template, context))


def programme_parts(event):
    """The printed programme's parts (print/programme_part.html), Kazakh then Russian."""
    event = RoundTable.objects.filter(pk=event.pk).with_programme().get()
    if not event.programme:
        return []
    parts = []
    for lang in LANGUAGES:
        label = PRINTED[lang]["programme"]
        context = {"programme": printed_programme(event, lang, event.programme)}
        html = render("print/book/programme.html", context, lang, label)
        parts.append(Part("programme", label, head=label, html=html))
    return parts


def participant_parts(event):
    participations = list(
        Participation.objects.filter(event=event, is_listed=True).select_related(
            "person__degree", "person__academic_title", "person__rank"
        )
    )
    if not participations:
        return []
    label = " / ".join(PRINTED[lang]["participants"] for lang in LANGUAGES)
    lists = []
    for lang in LANGUAGES:
        with translation.override(lang):
            people = [
                {"name": p.person.full_name, "position": p.person.position_line}
                for p in participations
            ]
        lists.append({"lang": lang, "heading": PRINTED[lang]["participants"], "people": people})
    return [
        Part(
            "participants",
            label,
            head=label,
            html=render("print/book/participants.html", {"lists": lists}),
        )
    ]


def paper_parts(proceedings):
    papers = (
        with_authors(Paper.objects.filter(event=proceedings.event, status=Paper.Status.ACCEPTED))
        .select_related("section")
        .order_by("section__position", "section__pk", "position", "pk")
    )
    parts, section = [], None
    for number, paper in enumerate(papers, start=1):
        opens = paper.section if paper.section_id and paper.section != section else None
        section = paper.section
        version = paper.current_version
        printed = article(paper)
        authors = ", ".join(author["name"] for author in printed["authors"])
        head = paper.running_title.strip() or authors
        label = contents_line(authors, printed["title"])
        extra = {
            "number": number,
            "authors": authors,
            "title": printed["title"],
            "lang": paper.language,
        }
        if version and version.kind == PaperVersion.Kind.PDF:
            if opens:
                parts.append(section_part(opens))
            with version.file.open("rb") as file:
                source = file.read()
            parts.append(Part("paper", label, head, source=source, paper=paper, extra=extra))
            continue
        context = {"article": printed, "section": section_heading(opens) if opens else None}
        html = render("print/book/paper.html", context, paper.language, printed["title"])
        parts.append(Part("paper", label, head, html=html, paper=paper, section=opens, extra=extra))
    return parts


def section_heading(section):
    return [
        {"lang": lang, "name": name}
        for lang in LANGUAGES
        if (name := getattr(section, f"name_{lang}", ""))
    ]


def section_part(section):
    html = render("print/book/section.html", {"section": section_heading(section)})
    return Part("section", section.name_kk, html=html, section=section)


def resolution_parts(event):
    resolution = Resolution.objects.filter(event=event).first()
    if resolution is None:
        return []
    parts = []
    for lang in LANGUAGES:
        text = printed_text(resolution, lang)
        if not text["title"].text and not text["sections"]:
            continue
        html = render("print/book/resolution.html", {"text": text}, lang, text["title"].text)
        parts.append(Part("resolution", text["title"].text, text["title"].text, html=html))
    return parts


def contents_part(proceedings, parts):
    entries, section = [], None
    for part in parts:
        if part.kind == "front":
            continue
        if part.section is not None and part.section != section:
            section = part.section
            entries.append({"kind": "section", "names": section_heading(section)})
        if part.kind == "section":
            continue
        after_papers = bool(entries) and entries[-1]["kind"] == "paper" and part.kind != "paper"
        entries.append(
            {
                "kind": part.kind,
                "after_papers": after_papers,
                "label": part.label,
                "authors": part.extra.get("authors", ""),
                "title": part.extra.get("title", part.label),
                "lang": part.extra.get("lang", BOOK_LANGUAGE),
                "pages": page_range(part.first_page, part.last_page),
                "link": f"{PAGE_LINK}{part.first_page}",
            }
        )
    label = contents_label()
    html = render("print/book/contents.html", {"entries": entries, "heading": label})
    return Part("contents", label, label, html=html)


def contents_label():
    return " / ".join(PRINTED[lang]["contents"] for lang in LANGUAGES)


def imprint_parts(proceedings, parts, variant):
    """Print the book's page count where the imprint gives it: the front matter's description
    (“– 182 б.”) and the output data, with the conventional printed sheets computed from it. The
    output data goes on the even page after the contents, the back of the last leaf, which is the
    book's last page; the front matter keeps its pages (each of its four is a page of its own).

    With a back cover (the print book), that is the last page instead: the first multiple of 4
    after the output data, as printing houses fold their sheets, blank pages between.

    Returns the parts to typeset (the front matter again, the output data, the back cover), their
    HTML rendered; appends the output data's part (and the back cover's) to `parts`.
    """
    front, contents = parts[0], parts[-1]
    output = Part("output", "")
    parts.append(output)
    first = contents.last_page + 1
    output_page = first + first % 2  # one page, on an even page
    pages, finishing, barcode = output_page, [output, front], ""
    if variant.back_cover:
        pages = 4 * (output_page // 4 + 1)
        back = Part("back", "", first_page=pages, last_page=pages)
        parts.append(back)
        finishing.append(back)
        barcode = barcodes.isbn_barcode(proceedings.isbn)
    context = {
        "proceedings": proceedings,
        "event": proceedings.event,
        "pages": pages,
        "sheets": proceedings.conventional_sheets(pages),
        "barcode": barcode,
    }
    for part in finishing:
        part.html = render(f"print/book/{part.kind}.html", context)
    output.first_page = output_page
    return finishing


def place_output(parts):
    """The output data's last page, once it is typeset (it has one page)."""
    output = next(part for part in parts if part.kind == "output")
    output.last_page = output.first_page + output.pages - 1


# --- Typesetting, cached --------------------------------------------------------------------------


def stylesheets_digest(variant):
    digest = hashlib.sha256()
    for name in STYLESHEETS + variant.stylesheets:
        digest.update(static_file(name).read_bytes())
    return digest.hexdigest()


def cache_key(part, styles, variant):
    digest = hashlib.sha256()
    options = repr(sorted(part.pdf_options(variant).items()))
    for piece in (PIPELINE, weasyprint.__version__, options, styles):
        digest.update(piece.encode())
    digest.update(repr(variant).encode())
    if part.source is not None:
        digest.update(b"pdf\0" + part.source)
    else:
        digest.update(b"html\0" + part.document.encode())
    return digest.hexdigest()


def cached(cache, key):
    return cache / f"{key[:2]}" / f"{key}.pdf"


def typeset_parts(parts, cache, variant, report=None, meanwhile=()):
    """Typeset the parts missing from the cache in `variant` (a Variant); returns them. Sets every
    part's key and pages.

    The parts typeset before and given as `meanwhile` are read (Part.read_ahead) while the pool
    typesets: the merge then finds them parsed. Reading them while every core typesets would only
    slow the typesetting down, so the first rounds, which fill the cores, read nothing."""
    styles = stylesheets_digest(variant)
    missing, jobs = [], []
    for part in parts:
        part.key = cache_key(part, styles, variant)
        path = cached(cache, part.key)
        if path.exists():
            path.touch()  # used now: prune() keeps it
        elif path not in {job[0] for job in jobs}:
            missing.append(part)
            stylesheets = STYLESHEETS + variant.stylesheets
            jobs.append((path, part.document, part.source, part.pdf_options(variant), stylesheets))
    # The longest first, so that no core is left with a long paper at the end.
    order = sorted(range(len(jobs)), key=lambda n: -len(jobs[n][1] or jobs[n][2] or b""))
    missing, jobs = [missing[n] for n in order], [jobs[n] for n in order]
    if (len(jobs) == 1 and not meanwhile) or (jobs and (os.cpu_count() or 1) == 1):
        for done, job in enumerate(jobs, start=1):
            typeset_job(job)
            if report:
                report(Stage.PAPERS, 5 + 75 * done // len(jobs))
    elif jobs:
        # Forked workers start at once with Django, WeasyPrint and the fonts already loaded;
        # they never touch the database (the parent rendered the HTML) and exit with os._exit,
        # leaving the parent's connections alone.
        context = multiprocessing.get_context("fork")
        workers = min(len(jobs), os.cpu_count() or 1)
        others = set(multiprocessing.active_children())
        # What the parent holds now is frozen out of the collector's reach, so that a worker's
        # collections do not write to (and so copy) every page of it.
        gc.freeze()
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=tie_to_parent, initargs=(os.getpid(),)
        ) as pool:
            try:
                futures = {
                    pool.submit(typeset_job, job): part
                    for part, job in zip(missing, jobs, strict=True)
                }
                for part in meanwhile:
                    part.read_ahead()
                for done, future in enumerate(as_completed(futures), start=1):
                    future.result()
                    if report:
                        report(Stage.PAPERS, 5 + 75 * done // len(jobs))
            except BaseException:
                # A part failed or the build is being stopped: the rest is of no use.
                pool.shutdown(wait=False, cancel_futures=True)
                for process in set(multiprocessing.active_children()) - others:
                    process.kill()
                raise
            finally:
                gc.unfreeze()
    for part in parts:
        part.path = cached(cache, part.key)
        part.pages = page_count(part.path)
    return missing


def page_count(path):
    """The pages of the cached part at `path`, from the count kept beside it (written with it,
    or now for a part cached before counts were kept)."""
    count = path.with_suffix(".pages")
    try:
        pages = int(count.read_text())
    except (FileNotFoundError, ValueError):
        pages = len(PdfReader(path).pages)
        count.write_text(str(pages))
    count.touch()  # used now, as the part: prune() keeps both
    return pages


def tie_to_parent(parent):
    """In a new typesetting process: die with the build's process, and on SIGTERM.

    Forked from a task worker, it would inherit the worker's signal handlers (which ignore a first
    SIGTERM) and outlive a killed worker, holding its memory. Ctrl+C is left to the parent, which
    stops the pool.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent, signal.SIGKILL)


def typeset_job(job):
    """In a worker: typeset HTML with WeasyPrint's `options` (or fit an uploaded PDF to A4) into
    the cache file `path`."""
    path, html, source, options, stylesheets = job
    if source is not None:
        pdf = folios.fit_to_a4(source)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    else:
        document = lay_out(html, stylesheets)
        pdf, pages = document.write_pdf(**options), len(document.pages)
        if options.get("pdf_tags"):
            pdf = without_line_spans(pdf)
    write_cached(path.with_suffix(".pages"), str(pages).encode())
    write_cached(path, pdf)


def prune(cache, max_age):
    """Delete what the cache holds that no build has used for `max_age` (a timedelta): the parts of
    papers since edited or withdrawn, and of books no longer built; also any partial file a killed
    worker left. Every build touches the parts it uses."""
    cutoff = time.time() - max_age.total_seconds()
    removed = 0
    for directory in cache.iterdir():
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            with contextlib.suppress(FileNotFoundError):  # another build's prune was first
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
    if removed:
        logger.info("Book cache: %d parts unused for %s deleted", removed, max_age)
    return removed


def place(parts, first_page, *, run_on=False):
    """Give each part its pages: each starts on the next odd page from `first_page` on; with
    `run_on`, a paper that follows a paper or a section's heading page starts on the next page."""
    page, previous = first_page, None
    for part in parts:
        runs_on = (
            run_on
            and part.kind == "paper"
            and part.section is None  # the first paper of a section opens it
            and previous is not None
            and previous.kind in ("paper", "section")
        )
        if page % 2 == 0 and not runs_on:
            page += 1
        part.first_page, part.last_page = page, page + part.pages - 1
        page, previous = part.last_page + 1, part


def place_sides(parts, cache, variant, *, run_on):
    """Place the parts, and typeset again starting on a left-hand page each one placed on an even
    page (an uploaded PDF is not typeset: its pages stay as they are). Returns the parts typeset
    anew. Both sides have the same measure, so such a part keeps its page count; placing again
    keeps every range exact all the same."""
    place(parts, first_page=1, run_on=run_on)
    turned = [part for part in parts if part.source is None and part.first_page % 2 == 0]
    for part in turned:
        part.starts_left = True
    typeset = typeset_parts(turned, cache, variant)
    place(parts, first_page=1, run_on=run_on)
    return typeset


# --- Merging --------------------------------------------------------------------------------------


def merge(proceedings, parts, overlay, blank, cache, variant):
    """The merged, stamped book as (PDF bytes, page count), from the cache when a build made the
    same book before (the same parts in the same places, the same metadata but for its date).

    The blank pages are a typeset blank page, and uploaded papers get its page boxes and what it
    draws: in the print book, every page has the same bleed around the trimmed A4, with the crop
    marks, so that every page is cut alike.
    """
    page_count = max(part.last_page for part in parts)
    description = book_description(proceedings, parts)
    merged = cached(cache, merged_key(parts, [overlay, blank], variant, description))
    if merged.exists():
        merged.touch()  # used now: prune() keeps it
        return merged.read_bytes(), page_count
    writer = PdfWriter()
    frame = blank.reader.pages[0]
    for part in parts:
        while len(writer.pages) < part.first_page - 1:
            writer.add_page(frame)
        start = len(writer.pages)
        writer.append(part.reader, import_outline=False)
        if part.source is not None:
            for index in range(start, len(writer.pages)):
                folios.frame_like(writer, index, frame)
    structure_tree.join(
        writer,
        [
            structure_tree.TaggedPart(
                part.reader, part.first_page - 1, part.extra.get("lang", ""), part.label
            )
            for part in parts
        ],
        lang=BOOK_LANGUAGE,
    )
    link_contents(writer, parts)
    stamp_folios(writer, proceedings, parts, overlay)
    # Every part embeds its own subsets of the same fonts: one program per font instead.
    font_sharing.share_fonts(writer)
    add_outline(writer, parts)
    add_metadata(writer, description, parts, archival=variant.archival)
    output = io.BytesIO()
    writer.write(output)
    pdf = object_streams.packed(output.getvalue())
    write_cached(merged, pdf)
    return pdf, page_count


def merged_key(parts, others, variant, description):
    """The cache key of a merged book: its parts, where they fall, and what its metadata says."""
    digest = hashlib.sha256(f"{PIPELINE}\0merged\0{variant!r}".encode())
    for part in [*parts, *others]:
        digest.update(
            repr((part.key, part.first_page, part.label, part.extra.get("lang"))).encode()
        )
    digest.update(repr(dataclasses.replace(description, created=None)).encode())
    return digest.hexdigest()


def write_cached(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)


def overlay_part(proceedings, parts):
    """The overlay the folios and running heads are stamped from (`stamp_folios`): a page for
    each running head the book prints (the collection's on left-hand pages, each numbered
    part's own, and the contents', on right-hand ones), then a right-hand and a left-hand page
    whose folio is every digit, from which `folios.Numbering` makes each page's number.

    None of it depends on where the parts fall, so it is typeset beside the parts."""
    heads = [(book_head(proceedings), True)]
    for head in [part.head for part in parts if part.numbered] + [contents_label()]:
        if (running_title(head), False) not in heads:
            heads.append((running_title(head), False))
    pages = [{"folio": "", "head": head, "verso": verso} for head, verso in heads]
    pages += [{"folio": folios.DIGITS, "head": "", "verso": verso} for verso in (False, True)]
    html = render("print/book/folios.html", {"pages": pages})
    return Part("folios", "", html=html, tagged=False, extra={"heads": heads})


def book_head(proceedings):
    """The running head of the left-hand pages."""
    return running_title(proceedings.running_title or proceedings.title_kk)


def stamp_folios(writer, proceedings, parts, overlay):
    """Stamp the running head (none on a part's first page) and then the folio on every page of
    the numbered parts, from `overlay` (typeset `overlay_part`): its page carrying a head is
    drawn on every page that has that head."""
    *head_pages, right_digits, left_digits = overlay.reader.pages
    head_pages = dict(zip(overlay.extra["heads"], head_pages, strict=True))
    numbering = {False: folios.Numbering(right_digits), True: folios.Numbering(left_digits)}
    left_head = head_pages[book_head(proceedings), True]
    heads, numbers = [], []
    for part in parts:
        if not part.numbered:
            continue
        right_head = head_pages[running_title(part.head), False]
        for number in range(part.first_page, part.last_page + 1):
            verso = number % 2 == 0
            if number != part.first_page:
                heads.append((number - 1, left_head if verso else right_head))
            numbers.append((number - 1, numbering[verso].page(number)))
    for stamps, name in ((heads, folios.HEAD_STAMP), (numbers, folios.STAMP)):
        folios.stamp(writer, [page for _, page in stamps], [index for index, _ in stamps], name)


def link_contents(writer, parts):
    """Make the contents' entries links to their first pages (typeset apart from the pages they
    name, the contents can only point at them with a PAGE_LINK address)."""
    contents = next(part for part in parts if part.kind == "contents")
    labels = {part.first_page: part.label for part in parts}
    for page in writer.pages[contents.first_page - 1 : contents.last_page]:
        for annotation in structure_tree.annotations(page):
            address = str(annotation.get("/A", {}).get("/URI", ""))
            if not address.startswith(PAGE_LINK):
                continue
            number = int(address.removeprefix(PAGE_LINK))
            del annotation["/A"]
            target = writer.pages[number - 1].indirect_reference
            annotation[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])
            annotation[NameObject("/Contents")] = TextStringObject(labels.get(number, ""))


def add_outline(writer, parts):
    section, parent = None, None
    for part in parts:
        if part.kind in UNNUMBERED:
            continue
        if part.section is not None and part.section != section:
            section = part.section
            name = " / ".join(entry["name"] for entry in section_heading(section))
            parent = writer.add_outline_item(title=name, page_number=part.first_page - 1)
        if part.kind == "section":
            continue
        under = parent if part.kind == "paper" else None
        writer.add_outline_item(title=part.label, page_number=part.first_page - 1, parent=under)
    writer.page_mode = "/UseOutlines"


def book_description(proceedings, parts):
    """What the book's metadata says (typesetting/xmp.py): its title, editors, theme, keywords."""
    keywords = []
    for part in parts:
        if part.paper is not None:
            keywords += [word for word in part.paper.keyword_list() if word not in keywords]
    editors = proceedings.editor_lines() or [proceedings.organiser_kk or ""]
    return xmp.Description(
        title=proceedings.title_kk,
        lang=BOOK_LANGUAGE,
        created=timezone.now(),
        authors=[name for name in editors if name],
        subject=proceedings.event.theme_kk or "",
        keywords=keywords,
        creator_tool="roundtable proceedings",
        producer=f"WeasyPrint {weasyprint.__version__}, pypdf, qpdf",
    )


def add_metadata(writer, description, parts, *, archival=False):
    """The book's metadata, in its info dictionary and as XMP claiming PDF/UA-1 (and PDF/A-3u for
    the archival book, whose parts WeasyPrint typeset as PDF/A-3u with their output intent)."""
    intents = next(
        (
            part.reader.root_object["/OutputIntents"]
            for part in parts
            if "/OutputIntents" in part.reader.root_object
        ),
        None,
    )
    xmp.describe(writer, description, archival=archival, output_intents=intents)
