"""The resolution as PDF and DOCX, built from the real resolution of 23 May 2025.

Real WeasyPrint, read back with pypdf and python-docx. The resolution is built here from the demo
YAML (not through the importer), six sections of three items, kk and ru paired item by item.
"""

import io
import re
import time

import docx
import pytest
import yaml
from django.conf import settings
from docx.oxml.ns import qn
from pypdf import PdfReader

from resolutions.exports import printed_text, resolution_docx, resolution_pdf
from resolutions.models import Resolution, ResolutionItem, ResolutionSection
from tests.factories import RoundTableFactory

FIXTURE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
KAZAKH_LETTERS = "әғқңөұүі"  # һ does not occur in this resolution; see test_typesetting
KAZAKH_CAPITALS = "ҚҰҮІ"  # the capitals that do occur in it

pytestmark = pytest.mark.django_db


def columns(values, field):
    return {f"{field}_{code}": values.get(code, "") for code in ("kk", "ru", "en")}


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["resolution"]


@pytest.fixture
def resolution(data):
    event = RoundTableFactory(
        slug="public-safety-2025", organiser_kk="Алматы академиясы", organiser_ru="Академия"
    )
    document = Resolution.objects.create(
        event=event,
        **columns(data["title"], "title"),
        **columns(data["preamble"], "preamble"),
        **columns(data["closing"], "closing"),
    )
    for section_data in data["sections"]:
        section = ResolutionSection.objects.create(
            resolution=document,
            position=section_data["number"],
            **columns(section_data["heading"], "heading"),
            **columns(section_data["lead"], "lead"),
        )
        for position, item in enumerate(section_data["items"], start=1):
            ResolutionItem.objects.create(
                section=section, position=position, **columns(item, "text")
            )
    return document


def pdf_reader(pdf):
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def page_texts(reader):
    return [page.extract_text() for page in reader.pages]


def squeezed(text):
    """Extracted text as one line, spaces single, hyphens between letters left out: a line-end
    hyphen (U+002D, see print.css) is a hyphenation break or a compound's own hyphen
    (бизнес-|қоғамдастықтың), which pypdf's text cannot tell apart. Compare squeezed texts."""
    text = re.sub(r"-\n", "", text)
    text = re.sub(r"(?<=\w)-(?=\w)", "", text)
    return re.sub(r"\s+", " ", text)


def font_names(reader):
    """The /BaseFont of every font the pages use, without the subset prefix (ABCDEF+PT-Serif);
    every one must be embedded (a /FontFile in its descriptor), not left to the viewer."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font
    return names


def assert_pt_serif(reader):
    """Set in PT Serif regular and bold, and nothing else (no DejaVu fallback for any glyph)."""
    fonts = {re.sub(r"[^a-z]", "", name.lower()) for name in font_names(reader)}
    assert all(name.startswith("ptserif") for name in fonts), fonts
    assert any("bold" in name for name in fonts), fonts
    assert any("bold" not in name and "italic" not in name for name in fonts), fonts


# --- The text ----------------------------------------------------------------------------------


def test_printed_text_numbers_sections_and_falls_back_for_english(resolution, data):
    text = printed_text(resolution, "en")
    assert text["title"] == (data["title"]["ru"], "ru")
    assert [section["number"] for section in text["sections"]] == [1, 2, 3, 4, 5, 6]
    assert all(len(section["items"]) == 3 for section in text["sections"])

    resolution.title_en = "Resolution of the round table"
    resolution.save()
    ResolutionItem.objects.filter(text_ru__startswith="инициировать").update(text_ru="")
    text = printed_text(resolution, "en")
    assert text["title"] == ("Resolution of the round table", "en")
    assert text["sections"][0]["items"][1].lang == "kk"  # no en, no ru: the Kazakh text


def test_languages_are_checked(resolution):
    for languages in ([], ["de"], ["kk", "kk"]):
        with pytest.raises(ValueError):
            resolution_pdf(resolution, languages)


# --- PDF ---------------------------------------------------------------------------------------


def test_kazakh_pdf(resolution, data):
    started = time.perf_counter()
    pdf = resolution_pdf(resolution, ["kk"])
    elapsed = time.perf_counter() - started
    reader = pdf_reader(pdf)
    texts = page_texts(reader)
    text = squeezed("\n".join(texts))
    print(f"\nkk PDF: {len(reader.pages)} pages, {len(pdf)} bytes, {elapsed:.2f} s")

    assert 1 <= len(reader.pages) <= 4
    assert "Қоғамдық қауіпсіздікті қамтамасыз ету" in text
    assert "ҚАРАРЫ" in text
    assert "1. Полиция мен азаматтық қоғам институттары арасындағы серіктестікті нығайту" in text
    assert "Ұсынылады:" in text
    assert "6. Полиция мен қоғам арасындағы байланысқа инновациялық тәсілдерді енгізу" in text
    for item in data["sections"][2]["items"]:
        assert f"– {squeezed(item['kk'])}" in text  # a dash, as drafting.lines_of writes items
    assert squeezed(data["closing"]["kk"]) in text
    for letter in KAZAKH_LETTERS + KAZAKH_CAPITALS:
        assert letter in text, letter
    assert "Рекомендуется" not in text  # Kazakh only

    # Pages are numbered in the footer: each page's text ends with its number.
    for number, page_text in enumerate(texts, start=1):
        assert page_text.strip().splitlines()[-1].strip() == str(number)

    metadata = reader.metadata
    assert metadata.title == data["title"]["kk"]
    assert metadata.author == "Алматы академиясы"
    assert str(reader.trailer["/Root"]["/Lang"]) == "kk"
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})

    assert_pt_serif(reader)


def test_both_languages_pdf_starts_russian_on_a_new_page(resolution, data):
    started = time.perf_counter()
    pdf = resolution_pdf(resolution, ["kk", "ru"])
    elapsed = time.perf_counter() - started
    reader = pdf_reader(pdf)
    texts = [squeezed(text) for text in page_texts(reader)]
    print(f"\nkk+ru PDF: {len(reader.pages)} pages, {len(pdf)} bytes, {elapsed:.2f} s")

    assert 2 <= len(reader.pages) <= 8
    whole = " ".join(texts)
    assert "Ұсынылады:" in whole
    assert "Для укрепления доверия к полиции необходимо:" in whole
    assert squeezed(data["closing"]["ru"]) in whole
    # The Russian text begins on a page of its own: its title opens a page with no Kazakh on it.
    russian_start = next(i for i, text in enumerate(texts) if text.startswith("РЕЗОЛЮЦИЯ"))
    assert russian_start > 0
    assert "Ұсынылады" not in " ".join(texts[russian_start:])
    assert "Рекомендуется" not in " ".join(texts[:russian_start])

    assert reader.metadata.title == f"{data['title']['kk']} / {data['title']['ru']}"
    assert str(reader.trailer["/Root"]["/Lang"]) == "kk"
    assert_pt_serif(reader)


def test_russian_and_english_pdfs(resolution, data):
    reader = pdf_reader(resolution_pdf(resolution, ["ru"]))
    text = squeezed(" ".join(page_texts(reader)))
    assert "1. Укрепление партнерских отношений между ОВД" in text
    assert "Ұсынылады" not in text
    assert str(reader.trailer["/Root"]["/Lang"]) == "ru"
    assert reader.metadata.title == data["title"]["ru"]

    # No English text yet: the English version reads the Russian one, marked as such.
    reader = pdf_reader(resolution_pdf(resolution, ["en"]))
    text = squeezed(" ".join(page_texts(reader)))
    assert "Для укрепления доверия к полиции необходимо:" in text
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"


# --- DOCX --------------------------------------------------------------------------------------


def numbered(paragraph):
    """The paragraph's Word numbering (numId), from its own properties or its style's."""
    for element in (paragraph._p.pPr, paragraph.style.element.pPr):
        if element is not None and element.numPr is not None and element.numPr.numId is not None:
            return element.numPr.numId.val
    return None


def test_docx_structure(resolution, data):
    document = docx.Document(io.BytesIO(resolution_docx(resolution, ["kk"])))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]

    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == data["title"]["kk"]
    assert paragraphs[1].text == data["preamble"]["kk"]
    headings = [p for p in paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == [s["heading"]["kk"] for s in data["sections"]]
    assert len({numbered(p) for p in headings}) == 1 and numbered(headings[0]) is not None
    items = [p for p in paragraphs if p.style.name == "List Bullet"]
    assert len(headings) == 6 and len(items) == 18
    assert [p.text for p in items] == [i["kk"] for s in data["sections"] for i in s["items"]]
    assert all(numbered(p) is not None for p in items)
    assert paragraphs[-1].text == data["closing"]["kk"]
    assert "Ұсынылады:" in [p.text for p in paragraphs]

    # The section numbers are Word's: a decimal list "%1.", the bullets a dash.
    numbering = document.part.numbering_part.element
    abstract_of = {num.numId: str(num.abstractNumId.val) for num in numbering.num_lst}
    level_of = {
        abstract.get(qn("w:abstractNumId")): abstract.find(qn("w:lvl"))
        for abstract in numbering.findall(qn("w:abstractNum"))
    }

    def level(paragraph):
        found = level_of[abstract_of[numbered(paragraph)]]
        return found.find(qn("w:numFmt")).get(qn("w:val")), found.find(qn("w:lvlText")).get(
            qn("w:val")
        )

    assert level(headings[0]) == ("decimal", "%1.")
    assert level(items[0]) == ("bullet", "–")

    properties = document.core_properties
    assert properties.title == data["title"]["kk"]
    assert properties.language == "kk-KZ"
    assert properties.author == "Алматы академиясы"
    normal_fonts = document.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:hAnsi")) in {"PT Serif", "Times New Roman"}
    # Word checks spelling in the language each run is written in.
    assert items[0].runs[0]._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "kk-KZ"


def test_docx_both_languages(resolution, data):
    document = docx.Document(io.BytesIO(resolution_docx(resolution, ["kk", "ru"])))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    texts = [p.text for p in paragraphs]

    titles = [p for p in paragraphs if p.style.name == "Title"]
    assert [p.text for p in titles] == [data["title"]["kk"], data["title"]["ru"]]
    assert titles[1].paragraph_format.page_break_before
    headings = [p for p in paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 12
    # Each language's sections are a list of their own, so the Russian ones start again at 1.
    assert numbered(headings[0]) != numbered(headings[6])
    assert len({numbered(p) for p in headings[:6]}) == 1
    assert len([p for p in paragraphs if p.style.name == "List Bullet"]) == 36
    assert "Ұсынылады:" in texts
    assert "Для укрепления доверия к полиции необходимо:" in texts
    assert texts.index(data["closing"]["kk"]) < texts.index(data["title"]["ru"])
    # Both titles are over Word's 255 characters for a property: the first language's title.
    assert document.core_properties.title == data["title"]["kk"]
