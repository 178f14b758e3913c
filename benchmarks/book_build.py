"""The proceedings book built in parts against the same HTML typeset as one WeasyPrint document.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/book_build.py [--papers 25] [--rounds 3]

It creates a throwaway test database ("test_" + the name in DATABASE_URL), fills it with a
synthetic collection (factories: --papers papers, about 1,600 words each, in Kazakh and Russian
by turns, every fourth with a figure, footnotes and a table) and an empty book cache in a temporary
directory, and drops both at the end. Then, in this one run:

    cold      book.build with an empty cache: every part typeset, in the process pool
    single    the same parts' HTML (front matter, papers, contents) as one document, typeset by
              one WeasyPrint render in this process: what the book would cost without parts
              (cold and single run in turn --rounds times, the cache emptied before each cold
              build; the table shows the round of the median ratio, since a shared machine's
              neighbours slow one round or another down by a fifth)
    warm      book.build again, nothing changed: every part from the cache
    edit      book.build after one paper's text changed: that paper typeset again
    offprints every paper's offprint cut from the built book with its source line
              (offprints.cut_all, as a successful build does), against cutting each from the
              book file apart (what a reader's first request cost before)

It prints the figures and their ratios; the targets the issue sets are beside them. It asserts
nothing: the ratios are measured on this machine, in this run.
"""

import base64
import io
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["BOOK_CACHE_DIR"] = tempfile.mkdtemp(prefix="book-build-benchmark-")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

KAZAKH = (
    "Қоғамдық қауіпсіздікті қамтамасыз ету мемлекет пен азаматтық қоғам институттарының өзара "
    "іс-қимылына негізделеді. Ішкі істер органдары қоғамдық кеңестермен, үкіметтік емес "
    "ұйымдармен және волонтерлік бірлестіктермен ынтымақтастықты дамытып, құқық бұзушылықтардың "
    "профилактикасына азаматтарды кеңінен тартады. Өңірлерде учаскелік полиция инспекторларының "
    "тұрғындармен кездесулері тұрақты өткізіліп, олардың нәтижелері қоғамдық кеңестерде "
    "талқыланады. "
)
RUSSIAN = (
    "Обеспечение общественной безопасности основывается на взаимодействии государства и "
    "институтов гражданского общества. Органы внутренних дел развивают сотрудничество с "
    "общественными советами, неправительственными организациями и волонтерскими объединениями, "
    "широко привлекая граждан к профилактике правонарушений. В регионах регулярно проводятся "
    "встречи участковых инспекторов полиции с жителями, а их итоги обсуждаются на общественных "
    "советах. "
)
TABLE = (
    "<table><tr><th>Нысан</th><th>Құқықтық негізі</th><th>Саны</th></tr>"
    "<tr><td>Қоғамдық кеңестер</td><td>Заң, 2015</td><td>214</td></tr>"
    "<tr><td>Волонтерлер</td><td>Заң, 2016</td><td>1 380</td></tr></table>"
)
PARAGRAPHS = 20  # of about 80 words each: some 1,600 words a paper


def figure(number):
    """A chart as a PNG data: URL, the way converted papers carry their pictures."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1500, 900), "white")
    draw = ImageDraw.Draw(image)
    for bar in range(12):
        height = 80 + (bar * 37 + number * 53) % 700
        draw.rectangle([60 + bar * 115, 860 - height, 140 + bar * 115, 860], fill=(40, 80, 160))
    draw.line([40, 860, 1460, 860], fill="black", width=4)
    png = io.BytesIO()
    image.save(png, "PNG")
    data = base64.b64encode(png.getvalue()).decode()
    return (
        f'<figure><img src="data:image/png;base64,{data}" width="600" height="360" '
        f'alt="Диаграмма {number}">'
        f"<figcaption>Сурет {number}. Құқық бұзушылықтар саны</figcaption></figure>"
    )


def paragraph_text(text, rng):
    """About 80 words of `text`, its words shuffled: no two pages of the book alike, as in a real
    one (identical pages would let the merged book share their content streams)."""
    words = text.split()
    return " ".join(rng.sample(words, len(words)) + rng.sample(words, len(words)))


def body(language, number, edit=0):
    text = KAZAKH if language == "kk" else RUSSIAN
    rng = random.Random(number)
    parts = ["<h3>Кіріспе</h3>" if language == "kk" else "<h3>Введение</h3>"]
    for paragraph in range(PARAGRAPHS):
        note = '<span class="footnote">Ескерту.</span>' if paragraph in (3, 11) else ""
        parts.append(f"<p>{paragraph + 1}. {paragraph_text(text, rng)}.{note}</p>")
        if paragraph == 9:
            parts.append(TABLE)
        if paragraph == 5 and number % 4 == 0:
            parts.append(figure(number))
    parts.append(f"<p>{'Түзету. ' * edit}</p>")
    return "".join(parts)


def make_book(papers):
    from proceedings.models import PaperVersion
    from tests.factories import (
        AuthorFactory,
        PaperFactory,
        ProceedingsFactory,
        SectionFactory,
        add_version,
    )

    proceedings = ProceedingsFactory(
        include_programme=False, include_participants=False, include_resolution=False
    )
    event = proceedings.event
    sections = [SectionFactory(event=event, position=n) for n in range(1, 5)]
    words = 0
    for number in range(papers):
        language = "kk" if number % 2 else "ru"
        paper = PaperFactory(
            event=event,
            language=language,
            section=sections[number % len(sections)],
            position=number,
            status="accepted",
        )
        AuthorFactory(paper=paper)
        add_version(paper, b"PK", kind="docx", name="paper.docx")
        html = body(language, number)
        PaperVersion.objects.filter(pk=paper.current_version.pk).update(html=html)
        words += len(re.sub(r"<figure>.*?</figure>|<[^>]+>", " ", html).split())
    return proceedings, words


def edit_one(proceedings):
    from proceedings.models import Paper, PaperVersion
    from tests.factories import add_version

    paper = Paper.objects.filter(event=proceedings.event).order_by("pk")[3]
    add_version(paper, f"PK{time.time()}".encode(), kind="docx", name="paper.docx")
    PaperVersion.objects.filter(pk=paper.current_version.pk).update(
        html=body(paper.language, 3, edit=1)
    )


@dataclass
class Round:
    """One cold build and the single render after it, as measured."""

    cold: object  # the book.Book built
    cold_seconds: float
    workers_cpu: float
    stages: "Stages"
    single: bytes
    single_seconds: float
    single_cpu: float

    @property
    def ratio(self):
        return self.cold_seconds / self.single_seconds


def empty(cache):
    """Remove every typeset part (and merged book) the cache holds, keeping the directory."""
    for path in cache.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def single_render(html):
    from proceedings import book
    from typesetting.printing import lay_out

    return lay_out(html, book.STYLESHEETS).write_pdf(**book.PDF_OPTIONS, **book.TAGGED)


def one_document(proceedings, cache):
    """The HTML of the book's parts (front matter, papers, contents) as one document, each part
    on a right-hand page in its own language, as the book sets them."""
    from proceedings import book

    parts = book.collect(proceedings)
    screen = book.VARIANTS[book.BookBuild.Variant.SCREEN]
    book.typeset_parts(parts, cache, screen)  # from the cache: the contents need the pages
    book.place(parts, first_page=1)
    parts.append(book.contents_part(proceedings, parts))
    documents = [part.html for part in parts if part.html]
    head = re.search(r"<head>.*?</head>", documents[0], re.DOTALL).group(0)
    sections = []
    for html in documents:
        lang = re.search(r'<html lang="([^"]*)"', html).group(1)
        body = re.search(r"<body>(.*)</body>", html, re.DOTALL).group(1)
        sections.append(f'<section lang="{lang}" style="break-before: right">{body}</section>')
    return f'<!doctype html><html lang="kk">{head}<body>{"".join(sections)}</body></html>'


class Stages:
    """Wall time the build spends in book.typeset_parts and book.merge, while it is set; a stage
    called within another (merge typesets the folio overlay) counts as the outer one's."""

    def __init__(self, module):
        self.module, self.seconds, self.active = module, {}, 0
        self.originals = {name: getattr(module, name) for name in ("typeset_parts", "merge")}
        for name, function in self.originals.items():
            setattr(module, name, self.timing(name, function))

    def timing(self, name, function):
        def timed_stage(*args, **kwargs):
            start, self.active = time.perf_counter(), self.active + 1
            try:
                return function(*args, **kwargs)
            finally:
                self.active -= 1
                if not self.active:
                    self.seconds[name] = self.seconds.get(name, 0) + time.perf_counter() - start

        return timed_stage

    def stop(self):
        for name, function in self.originals.items():
            setattr(self.module, name, function)


def cpu_of(usage):
    return usage.ru_utime + usage.ru_stime


def font_programs(pdf):
    """How many embedded TrueType programs the pages' fonts (and their forms') use."""
    from pypdf import PdfReader

    programs, pending = set(), [page["/Resources"] for page in PdfReader(io.BytesIO(pdf)).pages]
    while pending:
        resources = pending.pop().get_object()
        for font in resources.get("/Font", {}).values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                programs.add(descriptor.raw_get("/FontFile2").idnum)
        pending += [
            xobject.get_object()["/Resources"]
            for xobject in resources.get("/XObject", {}).values()
            if xobject.get_object().get("/Subtype") == "/Form"
        ]
    return len(programs)


def main():
    from pypdf import PdfReader

    from proceedings import book, offprints
    from proceedings.models import BookBuild
    from typesetting.printing import lay_out

    papers = int(sys.argv[sys.argv.index("--papers") + 1]) if "--papers" in sys.argv else 25
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    cache = Path(os.environ["BOOK_CACHE_DIR"])
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        proceedings, words = make_book(papers)
        # Fonts, hyphenation patterns and the stylesheets' files loaded once, as in a worker
        # process that has built before; the typesetting processes fork with them.
        lay_out(body("kk", 1) + body("ru", 2), book.STYLESHEETS).write_pdf()
        html, measured = None, []
        for _ in range(rounds):
            empty(cache)
            stages = Stages(book)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cold, cold_seconds = timed(book.build, proceedings)
            workers_cpu = cpu_of(resource.getrusage(resource.RUSAGE_CHILDREN)) - cpu_of(children)
            stages.stop()
            html = html or one_document(proceedings, cache)
            cpu = time.process_time()
            single, single_seconds = timed(single_render, html)
            measured.append(
                Round(
                    cold,
                    cold_seconds,
                    workers_cpu,
                    stages,
                    single,
                    single_seconds,
                    single_cpu=time.process_time() - cpu,
                )
            )
        ratios = [round_.ratio for round_ in measured]
        median = sorted(measured, key=lambda round_: round_.ratio)[len(measured) // 2]
        cold, cold_seconds, workers_cpu = median.cold, median.cold_seconds, median.workers_cpu
        stages, single, single_seconds = median.stages, median.single, median.single_seconds
        single_cpu = median.single_cpu
        warm, warm_seconds = timed(book.build, proceedings)
        edit_one(proceedings)
        edited, edit_seconds = timed(book.build, proceedings)
        entries = edited.entries(BookBuild(proceedings=proceedings))
        cut, cut_seconds = timed(offprints.cut_all, edited.pdf, entries)
        _, apart_seconds = timed(
            lambda: [
                offprints.offprint(io.BytesIO(edited.pdf), entry.first_page, entry.last_page)
                for entry in entries
            ]
        )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(settings.STORAGES["papers"]["OPTIONS"]["location"], ignore_errors=True)

    single_pages = len(PdfReader(io.BytesIO(single)).pages)
    print(f"cores: {os.cpu_count()}; {papers} papers, {words:,} words; ", end="")
    print(f"book {cold.page_count} pages, single document {single_pages} pages")
    print("| case | seconds | × single render | target | PDF bytes | × single | FontFile2 |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| single render | {single_seconds:.2f} | 1 | | {len(single):,} | 1 "
        f"| {font_programs(single)} |"
    )
    rows = (
        ("cold build", cold_seconds, "≤ 0.6", cold),
        ("unchanged rebuild", warm_seconds, "≤ 0.05", warm),
        (
            f"rebuild, 1 paper edited ({edited.papers_typeset} typeset)",
            edit_seconds,
            "≤ 0.3",
            edited,
        ),
    )
    for case, seconds, target, made in rows:
        size = len(made.pdf)
        print(
            f"| {case} | {seconds:.2f} | {seconds / single_seconds:.3f} | {target} | {size:,} "
            f"| {size / len(single):.2f} | {font_programs(made.pdf)} |"
        )
    typesetting, merging = stages.seconds["typeset_parts"], stages.seconds["merge"]
    print(
        f"cold build: {typesetting:.2f} s typesetting parts ({workers_cpu:.2f} s CPU in the "
        f"typesetting processes, {workers_cpu / single_cpu:.2f} × the single render's "
        f"{single_cpu:.2f} s CPU), {merging:.2f} s merging (the folios' stamping "
        f"and the font sharing included), "
        f"{cold_seconds - typesetting - merging:.2f} s the rest (HTML, contents, imprint); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"cold build ÷ single render, round by round: {', '.join(f'{r:.3f}' for r in ratios)}"
        f" (median {median.ratio:.3f})"
    )
    sizes = sorted(len(pdf) for pdf in cut)
    print(
        f"offprints: {len(cut)} cut with source lines in {cut_seconds:.2f} s "
        f"({1000 * cut_seconds / len(cut):.0f} ms each); cut apart from the book file, without "
        f"source lines: {apart_seconds:.2f} s ({1000 * apart_seconds / len(cut):.0f} ms each); "
        f"offprint sizes {sizes[0]:,}–{sizes[-1]:,} bytes"
    )


if __name__ == "__main__":
    main()
