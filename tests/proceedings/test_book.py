"""The proceedings book, built with real WeasyPrint and read back with pypdf."""

import base64
import io
import itertools
import os
import re
import time

import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from proceedings import book, builds, offprints
from proceedings.models import PaperVersion
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    ProceedingsFactory,
    SectionFactory,
    add_version,
    organiser,
)
from tests.proceedings import documents
from typesetting.printing import lay_out

# Whole books typeset with WeasyPrint.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

KAZAKH_LETTERS = "әғқңөұүһі" + "ӘҒҚҢӨҰҮҺІ"
KAZAKH = (
    "Әр азамат қоғамдық қауіпсіздікке үлес қосады: Ұлттық ұланның, Ғылым академиясының, "
    "Өңірлік кеңестердің және Үкіметтік емес ұйымдардың өкілдері Һәм Іргелі зерттеулердің "
    "қорытындысын талқылады, қаңтардағы ұсынымдар өңірлерде іске асырылды. ҚОҒАМНЫҢ "
    "ҮЛЕСІ туралы баяндама жиһаз фабрикасында тыңдалды. "
)
RUSSIAN = (
    "Взаимодействие органов внутренних дел с институтами гражданского общества рассматривается "
    "как необходимое условие обеспечения общественной безопасности и правопорядка. "
)


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.BOOK_CACHE_DIR = tmp_path / "book-cache"
    return settings.BOOK_CACHE_DIR


def docx_paper(proceedings, section, position, *, language="kk", paragraphs=14, surname=None):
    paper = PaperFactory(
        event=proceedings.event,
        section=section,
        position=position,
        language=language,
        status="accepted",
    )
    AuthorFactory(paper=paper, surname_kk=surname or "Ахманов", surname_ru=surname or "Ахманов")
    set_text(paper, (KAZAKH if language == "kk" else RUSSIAN) * 3, paragraphs)
    return paper


def set_text(paper, text, paragraphs, extra=""):
    """A new DOCX version of `paper` with this converted text (as the conversion stores it)."""
    version = add_version(paper, f"PK{paper.versions.count()}".encode(), kind="docx")
    html = "<h3>Кіріспе</h3>" + f"<p>{text}</p>" * paragraphs + extra
    PaperVersion.objects.filter(pk=version.pk).update(html=html)


def uploaded_pdf(text):
    """A two-page PDF on US Letter paper, as a speaker might upload it."""
    style = "@page { size: letter } p { font-family: PT Serif }"
    html = f"<style>{style}</style><p>{text}</p><p style='break-before: page'>2</p>"
    return HTML(string=html).write_pdf()


def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def fonts(reader):
    found = set()

    def collect(resources):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                collect(xobject.get("/Resources"))

    for page in reader.pages:
        collect(page.get("/Resources"))
    return found


def outline_tree(reader, items=None):
    """[(title, page number, [children])] of the PDF outline."""
    tree = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            tree[-1][2].extend(outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item) + 1, []))
    return tree


@pytest.fixture
def collection():
    proceedings = ProceedingsFactory(editors_kk="Ахметов А.Б. – жауапты редактор")
    event = proceedings.event
    ParticipationFactory(event=event, person=PersonFactory(surname_kk="Қасымов"), is_speaker=True)
    legal = SectionFactory(event=event, position=1, name_kk="Құқық", name_ru="Право")
    digital = SectionFactory(event=event, position=2, name_kk="Цифр", name_ru="Цифра")
    papers = [
        # Out of position order on purpose: the book orders by section, then position.
        docx_paper(proceedings, digital, 1, language="ru", surname="Садыков", paragraphs=6),
        docx_paper(proceedings, legal, 2, surname="Бегалиев"),
        docx_paper(proceedings, legal, 1, surname="Әлиев"),
    ]
    uploaded = PaperFactory(
        event=event, section=digital, position=2, language="ru", status="accepted"
    )
    AuthorFactory(paper=uploaded, surname_kk="Ким", surname_ru="Ким")
    add_version(uploaded, uploaded_pdf("Uploaded paper text"), kind="pdf")
    return proceedings, [papers[2], papers[1], papers[0], uploaded]


def test_the_book_has_every_paper_where_its_placement_and_contents_say(collection):
    proceedings, papers = collection
    reports = []

    result = book.build(proceedings, report=lambda stage, progress: reports.append(progress))

    reader = PdfReader(io.BytesIO(result.pdf))
    texts = page_texts(reader)
    assert result.page_count == len(reader.pages)
    assert reports[0] == 0 and reports[-1] == 100 and reports == sorted(reports)
    # Placements: in section order, then position; each paper from a right-hand page on, its
    # title on its first page, ending before the next one starts.
    assert [placement.paper_id for placement in result.placements] == [p.pk for p in papers]
    assert [placement.number for placement in result.placements] == [1, 2, 3, 4]
    contents_start = book_contents_start(texts)
    following = [p.first_page for p in result.placements[1:]] + [result.page_count]
    for paper, placement, next_first in zip(papers, result.placements, following, strict=True):
        assert placement.first_page % 2 == 1
        assert placement.first_page <= placement.last_page < next_first
        first_text = texts[placement.first_page - 1]
        title = paper.title_in_own_language
        if paper.current_version.kind == "pdf":
            assert "Uploaded paper text" in first_text
        else:
            assert title in first_text
            assert all(title not in text for text in texts[placement.last_page : contents_start])
    # The uploaded PDF is fitted onto A4 pages like the rest.
    uploaded = result.placements[3]
    for number in range(uploaded.first_page, uploaded.last_page + 1):
        box = reader.pages[number - 1].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # Folios: on every page but the cover, title and imprint pages and the blank pages, each
    # the page's own number; the last page, the output data, has none either.
    assert texts[1] == "" and not texts[0].endswith(" 1")
    assert "Усл. печ. л." in texts[-1] and not texts[-1].endswith(str(result.page_count))
    for number in range(5, result.page_count):
        text = texts[number - 1]
        if text:
            assert text.split()[-1] == str(number), number
    # Contents, at the end: every paper with exactly its range.
    contents = " ".join(texts[contents_start:])
    for paper, placement in zip(papers, result.placements, strict=True):
        pages = f"{placement.first_page}–{placement.last_page}"
        entry = rf"{re.escape(paper.title_in_own_language)}[\s.]*{pages}(?!\d)"
        assert re.search(entry, contents), (entry, contents)


def book_contents_start(texts):
    return max(i for i, text in enumerate(texts) if text.startswith("МАЗМҰНЫ / СОДЕРЖАНИЕ"))


def test_the_book_is_set_in_pt_serif_with_heads_outline_and_metadata(collection):
    proceedings, papers = collection

    result = book.build(proceedings)

    reader = PdfReader(io.BytesIO(result.pdf))
    texts = page_texts(reader)
    # Only PT Serif: WeasyPrint falls back silently when a glyph is missing.
    assert fonts(reader) and all("+PT-Serif" in name for name in fonts(reader)), fonts(reader)
    everything = " ".join(texts)
    assert [letter for letter in KAZAKH_LETTERS if letter not in everything] == []
    # Running heads: the collection on left pages, the authors on right pages, none on a
    # paper's first page.
    # (The overlay is drawn last, so its text ends the page's text: head, then folio.)
    first = result.placements[0]
    assert first.last_page - first.first_page >= 2
    left, right = first.first_page + 1, first.first_page + 2
    assert texts[left - 1].endswith(f"{proceedings.title_kk} {left}")
    assert texts[right - 1].endswith(f"Әлиев А.Т. {right}")
    assert not texts[first.first_page - 1].endswith(f"Әлиев А.Т. {first.first_page}")
    # The uploaded PDF has its folios and heads stamped on.
    uploaded = result.placements[3]
    assert texts[uploaded.first_page].endswith(f"{proceedings.title_kk} {uploaded.first_page + 1}")
    # Outline: the front matter, then section → paper.
    outline = outline_tree(reader)
    legal = next(children for title, _page, children in outline if title == "Құқық / Право")
    legal_papers = papers[:2]  # Әлиев's, then Бегалиев's
    assert [(title, page) for title, page, _c in legal] == [
        (f"Әлиев А.Т. {legal_papers[0].title_kk}", first.first_page),
        (f"Бегалиев А.Т. {legal_papers[1].title_kk}", result.placements[1].first_page),
    ]
    assert "Қатысушылар тізімі / Список участников" in [title for title, _p, _c in outline]
    # Metadata.
    assert reader.metadata.title == proceedings.title_kk
    assert "полиция" in reader.metadata["/Keywords"]
    assert reader.metadata.author == "Ахметов А.Б. – жауапты редактор"
    assert reader.trailer["/Root"]["/Lang"] == "kk"


def test_the_contents_link_to_the_papers_and_each_paper_is_tagged_in_its_language(collection):
    proceedings, papers = collection

    result = book.build(proceedings)

    reader = PdfReader(io.BytesIO(result.pdf))
    contents_start = book_contents_start(page_texts(reader))
    links = {}
    for page in reader.pages[contents_start:]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            links[annotation["/Contents"]] = (
                reader.get_page_number(annotation["/Dest"][0].get_object()) + 1
            )
    for paper, placement in zip(papers, result.placements, strict=True):
        label = next(label for label in links if paper.title_in_own_language in label)
        assert links[label] == placement.first_page
    # Tagged: a part per paper in the structure tree, read in the paper's own language.
    (document,) = reader.root_object["/StructTreeRoot"]["/K"]
    parts = {
        kid.get_object().get("/T", ""): kid.get_object() for kid in document.get_object()["/K"]
    }
    for paper in papers[:3]:  # the typeset ones; the uploaded PDF carries no tags
        (part,) = [part for title, part in parts.items() if paper.title_in_own_language in title]
        assert part["/Lang"] == paper.language
    assert reader.root_object["/MarkInfo"]["/Marked"]


def test_a_rebuild_typesets_only_what_changed(collection):
    proceedings, papers = collection
    assert book.build(proceedings).papers_typeset == 4

    assert book.build(proceedings).papers_typeset == 0

    set_text(papers[1], KAZAKH, 20)
    rebuilt = book.build(proceedings)
    assert rebuilt.papers_typeset == 1
    assert [p.paper_id for p in rebuilt.placements] == [p.pk for p in papers]


def test_a_build_keeps_the_cached_parts_it_uses_and_deletes_those_unused_for_long(
    collection, cache
):
    proceedings, _ = collection
    book.build(proceedings)
    used = sorted(cache.glob("*/*.pdf"))
    month_ago = time.time() - 31 * 24 * 3600
    for path in used:
        os.utime(path, (month_ago, month_ago))
    withdrawn = cache / "ab" / ("ab" + "0" * 62 + ".pdf")
    withdrawn.parent.mkdir(exist_ok=True)
    withdrawn.write_bytes(b"%PDF- a paper since withdrawn")
    left_by_a_killed_worker = cache / "ab" / "ab.pdf.1234.part"
    left_by_a_killed_worker.write_bytes(b"%PDF- half")
    for path in (withdrawn, left_by_a_killed_worker):
        os.utime(path, (month_ago, month_ago))
    recent = cache / "cd" / ("cd" + "0" * 62 + ".pdf")
    recent.parent.mkdir(exist_ok=True)
    recent.write_bytes(b"%PDF- typeset yesterday for another book")

    assert book.build(proceedings).papers_typeset == 0
    assert sorted(cache.glob("*/*.pdf")) == sorted([*used, recent])
    assert not left_by_a_killed_worker.exists()


def png(colour):
    out = io.BytesIO()
    Image.new("RGB", (2, 2), colour).save(out, "PNG")
    return out.getvalue()


def test_a_file_url_in_a_paper_is_not_fetched(tmp_path):
    picture = tmp_path / "secret.png"
    picture.write_bytes(png("red"))
    embedded = f"data:image/png;base64,{base64.b64encode(png('blue')).decode()}"
    proceedings = ProceedingsFactory(include_programme=False, include_participants=False)
    paper = docx_paper(proceedings, None, 1, paragraphs=1)
    # A picture embedded in the paper prints; one that is a file of the server does not.
    html = f'<p><img src="{embedded}" alt="x"></p><p><img src="file://{picture}" alt="y"></p>'
    set_text(paper, KAZAKH, 1, html)

    result = book.build(proceedings)

    reader = PdfReader(io.BytesIO(result.pdf))
    assert len([image for page in reader.pages for image in page.images]) == 1


def actions(pdf):
    """Every action in the PDF (bytes) a viewer could run: (where, kind, target)."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    found = [("document", key, None) for key in ("/OpenAction", "/AA", "/AcroForm") if key in root]
    names = root.get("/Names")
    found += [("names", key, None) for key in names or {} if key != "/Dests"]
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            found.append((number, "/AA", None))
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = (annotation.get("/A") or {}).get_object() if "/A" in annotation else {}
            if annotation["/Subtype"] != "/Link" or "/AA" in annotation or "/Next" in action:
                found.append((number, str(annotation["/Subtype"]), str(action.get("/S"))))
            elif action:
                found.append((number, str(action["/S"]), str(action.get("/URI"))))
    return found


def test_only_web_and_mail_links_reach_the_book_and_the_offprint_from_an_uploaded_pdf():
    proceedings = ProceedingsFactory(include_programme=False, include_participants=False)
    paper = PaperFactory(event=proceedings.event, position=1, language="ru", status="accepted")
    AuthorFactory(paper=paper, surname_kk="Ким", surname_ru="Ким")
    add_version(paper, documents.pdf_with_actions(), kind="pdf")

    result = book.build(proceedings)
    [placement] = result.placements
    offprint = offprints.offprint(io.BytesIO(result.pdf), placement.first_page, placement.last_page)

    # The form field stays, without its script: its appearance may be printed text.
    kept = [*(("/URI", uri) for uri in documents.SAFE_LINKS), ("/Widget", "None")]
    assert actions(result.pdf) == [(placement.first_page, *action) for action in kept]
    assert actions(offprint) == [(1, *action) for action in kept]
    for pdf in (result.pdf, offprint):
        for word in (b"JavaScript", b"Launch", b"calc.exe", b"app.alert", b"SubmitForm"):
            assert word not in pdf


@pytest.mark.parametrize(
    ("language", "text"),
    [("kk", KAZAKH), ("ru", RUSSIAN)],
)
def test_kazakh_and_russian_text_is_hyphenated(language, text):
    html = (
        f'<html lang="{language}"><body><p style="width: 45mm; hyphens: auto; '
        f"hyphenate-character: '-'; font-family: PT Serif; text-align: justify\">"
        f"{text * 2}</p></body></html>"
    )

    pdf = lay_out(html).write_pdf()

    extracted = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    broken = [line for line in extracted.splitlines() if line.endswith("-")]
    assert len(broken) >= 3, extracted


def test_left_pages_carry_the_running_title_or_the_title_cut_after_a_word(collection):
    proceedings, _papers = collection
    proceedings.title_kk = (
        "«Құқық қорғау органдары мен азаматтық қоғамның өзара іс-қимылы» дөңгелек үстелінің "
        "материалдары"
    )
    proceedings.save()

    result = book.build(proceedings)
    texts = page_texts(PdfReader(io.BytesIO(result.pdf)))
    left = result.placements[0].first_page + 1
    # The head stops after "өзара", a whole word, never inside "іс-қимылы" or "дөңгелек".
    head = "«Құқық қорғау органдары мен азаматтық қоғамның өзара…"
    assert texts[left - 1].endswith(f"{head} {left}")

    proceedings.running_title = "Полиция және қоғам"
    proceedings.save()
    texts = page_texts(PdfReader(io.BytesIO(book.build(proceedings).pdf)))
    assert texts[left - 1].endswith(f"Полиция және қоғам {left}")


@pytest.fixture
def short_papers():
    """Six short papers in two sections, of one page or two, so that run on they start on pages of
    either side; the proceedings without programme or participant list."""
    proceedings = ProceedingsFactory(include_programme=False, include_participants=False)
    legal = SectionFactory(event=proceedings.event, position=1, name_kk="Құқық", name_ru="Право")
    digital = SectionFactory(event=proceedings.event, position=2, name_kk="Цифр", name_ru="Цифра")
    lengths = [(legal, 2), (legal, 5), (legal, 2), (digital, 2), (digital, 5), (digital, 2)]
    surnames = ["Әлиев", "Бегалиев", "Ким", "Садыков", "Нұров", "Омаров"]
    papers = [
        docx_paper(proceedings, section, position, paragraphs=paragraphs, surname=surname)
        for position, ((section, paragraphs), surname) in enumerate(
            zip(lengths, surnames, strict=True)
        )
    ]
    return proceedings, papers, {papers[0], papers[3]}


def left_edges(page):
    """(where the page's text block begins, where its folio begins), in mm from the left edge
    of the paper; the running head above the block is left out."""
    block, folio = [], []

    def visit(text, cm, tm, _font, _size):
        x = (tm[4] * cm[0] + tm[5] * cm[2] + cm[4]) * 25.4 / 72
        y = (tm[4] * cm[1] + tm[5] * cm[3] + cm[5]) * 25.4 / 72
        if text.strip() and y < 297 - 20:
            (folio if y < 22 else block).append(x)

    page.extract_text(visitor_text=visit)
    return min(block), min(folio)


def test_papers_run_on_without_blank_pages_on_pages_of_either_side(short_papers):
    proceedings, papers, openings = short_papers
    chair = organiser(username="chair")
    books, typeset = {}, {}
    for start in ("right", "next"):
        proceedings.papers_start = start
        proceedings.save()
        build = builds.run(builds.request_build(proceedings, chair))
        with build.pdf.open("rb") as stored:
            reader = PdfReader(io.BytesIO(stored.read()))
        books[start] = (reader, page_texts(reader), list(build.entries.order_by("number")))
        typeset[start] = build.papers_typeset

    blank_pages = {}
    for start, (reader, texts, entries) in books.items():
        assert [entry.paper for entry in entries] == papers
        contents_start = book_contents_start(texts) + 1
        assert contents_start % 2 == 1
        # Each entry's range holds its paper: its title on its first page, nowhere else before
        # the contents.
        for entry in entries:
            title = entry.paper.title_in_own_language
            assert [
                number
                for number, text in enumerate(texts[: contents_start - 1], start=1)
                if title in text
            ] == [entry.first_page], (start, entry.number)
        # Sections open on right-hand pages either way.
        assert [entry.first_page % 2 for entry in entries if entry.paper in openings] == [1, 1]
        # Every page of the papers is set in the margins of its side, its folio too (centred
        # under the text): the left margin is 25 mm on a right-hand (odd) page and 15 mm on a
        # left-hand one, so both begin 10 mm further left there.
        first, last = entries[0].first_page, entries[-1].last_page
        edges = {
            number: left_edges(reader.pages[number - 1])
            for number in range(first, last + 1)
            if texts[number - 1]
        }
        (block, folio) = edges[first]
        for number, (block_edge, folio_edge) in edges.items():
            shift = 10 if number % 2 == 0 else 0
            assert block_edge == pytest.approx(block - shift, abs=0.3), (start, number)
            assert folio_edge == pytest.approx(folio - shift, abs=1), (start, number)
        blank_pages[start] = [n for n in range(first, last + 1) if n not in edges]

    right_hand, run_on = books["right"][2], books["next"][2]
    assert all(entry.first_page % 2 == 1 for entry in right_hand)
    assert blank_pages["right"]
    # Run on, a paper starts on the page after the one before it unless it opens a section, so
    # some start on a left-hand page; a blank page is left only before a section.
    for before, entry in itertools.pairwise(run_on):
        if entry.paper not in openings:
            assert entry.first_page == before.last_page + 1
    assert any(entry.first_page % 2 == 0 for entry in run_on)
    opening_pages = {entry.first_page for entry in run_on if entry.paper in openings}
    assert all(number + 1 in opening_pages for number in blank_pages["next"])
    assert len(books["next"][0].pages) < len(books["right"][0].pages)
    # Typeset anew for the run-on book are the papers that start on a left-hand page; a rebuild
    # takes them all from the cache.
    assert typeset == {
        "right": len(papers),
        "next": sum(1 for entry in run_on if entry.first_page % 2 == 0),
    }
    assert book.build(proceedings).papers_typeset == 0
    print(
        f"\nblank pages among the papers: {len(blank_pages['right'])} starting on right-hand "
        f"pages, {len(blank_pages['next'])} run on; "
        f"book {len(books['right'][0].pages)} → {len(books['next'][0].pages)} pages"
    )


def test_right_hand_pages_carry_the_paper_running_title_or_its_authors_cut_after_a_name():
    proceedings = ProceedingsFactory(include_programme=False, include_participants=False)
    titled = docx_paper(proceedings, None, 1, paragraphs=8, surname="Әлиев")
    titled.running_title = "Полиция мен қоғам серіктестігі"
    titled.save()
    crowded = docx_paper(proceedings, None, 2, paragraphs=8, surname="Бегалиев")
    for surname in ["Жұмабаева", "Сейітов", "Тұрсынбекова", "Қасымов", "Омарова"]:
        AuthorFactory(paper=crowded, surname_kk=surname, surname_ru=surname)

    result = book.build(proceedings)

    texts = page_texts(PdfReader(io.BytesIO(result.pdf)))
    heads = {}
    for placement in result.placements:
        assert placement.last_page - placement.first_page >= 2
        right = placement.first_page + 2
        heads[placement.paper_id] = texts[right - 1].removesuffix(f" {right}")
    assert heads[titled.pk].endswith(" Полиция мен қоғам серіктестігі")
    # Six authors do not fit: the head stops after a whole name, never between a surname and
    # its initials ("… Тұрсынбекова…").
    assert heads[crowded.pk].endswith(" Бегалиев А.Т., Жұмабаева А.Т., Сейітов А.Т.…")
