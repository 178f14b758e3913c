"""The resolution as files to download and print: PDF (typeset) and DOCX (to edit in Word).

`languages` is a list of language codes in print order, e.g. ["kk"], ["ru"], ["en"] or
["kk", "ru"]: with several, each language's whole text follows the previous one from a new page,
as printed proceedings do (read in one language, not across two columns; the same markup is a
chapter of the proceedings book). A text missing in a language is taken from its fallback (en:
ru then kk; ru: kk; kk: ru), and marked with the language it is really written in.
"""

import io
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from modeltranslation.utils import resolution_order

from resolutions.drafting import content_of
from typesetting.printing import render_pdf

# BCP 47 tags for Word's proofing language and the document properties.
LANGUAGE_TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}
# Has every Kazakh letter, and is on every machine that opens a DOCX; the PDF uses PT Serif.
DOCX_FONT = "Times New Roman"
DOCX_PROPERTY_LIMIT = 255


class Text(NamedTuple):
    """A piece of text and the language it is written in (the requested one or a fallback)."""

    text: str
    lang: str


def check_languages(languages):
    codes = [code for code, _name in settings.WRITTEN_LANGUAGES]
    languages = list(languages)
    if not languages or len(set(languages)) != len(languages) or set(languages) - set(codes):
        raise ValueError(f"Languages must be distinct codes among {codes}, got {languages!r}")
    return languages


def printed_text(resolution, language, content=None):
    """The resolution's text in `language`, as printed: each part a Text, sections numbered.

    `content` is `drafting.content_of(resolution)` when the caller already has it.
    """
    content = content or content_of(resolution)
    order = resolution_order(language)

    def pick(values):
        for code in order:
            value = (values.get(code) or "").strip()
            if value:
                return Text(value, code)
        return Text("", language)

    return {
        "language": language,
        "title": pick(content["title"]),
        "preamble": pick(content["preamble"]),
        "sections": [
            {
                "number": number,
                "heading": pick(section["heading"]),
                "lead": pick(section["lead"]),
                "items": [item for item in map(pick, section["items"]) if item.text],
            }
            for number, section in enumerate(content["sections"], start=1)
        ],
        "closing": pick(content["closing"]),
    }


def printed_texts(resolution, languages):
    languages = check_languages(languages)
    content = content_of(resolution)
    return [printed_text(resolution, code, content) for code in languages]


def document_title(texts):
    """The title for the file's metadata: each language's title once, joined."""
    return " / ".join(dict.fromkeys(text["title"].text for text in texts if text["title"].text))


def docx_title(texts):
    """Word keeps at most 255 characters in a document property: the joined titles when they fit,
    else the first language's title, shortened if need be."""
    title = document_title(texts)
    if len(title) > DOCX_PROPERTY_LIMIT:
        title = texts[0]["title"].text
    if len(title) > DOCX_PROPERTY_LIMIT:
        title = title[: DOCX_PROPERTY_LIMIT - 1].rstrip() + "…"
    return title


def document_authors(resolution, language):
    """The organising institution, in the document's language or its fallback."""
    event = resolution.event
    for code in resolution_order(language):
        organiser = getattr(event, f"organiser_{code}", "")
        if organiser:
            return [organiser]
    return []


# --- PDF ---------------------------------------------------------------------------------------


def resolution_pdf(resolution, languages):
    """The resolution typeset as a PDF (bytes): the texts in `languages`, each from a new page."""
    texts = printed_texts(resolution, languages)
    return render_pdf(
        "print/resolution.html",
        {"resolution": resolution, "texts": texts},
        lang=texts[0]["language"],
        title=document_title(texts),
        authors=document_authors(resolution, texts[0]["language"]),
    )


# --- DOCX --------------------------------------------------------------------------------------


def resolution_docx(resolution, languages):
    """The resolution as a Word document (bytes): Title, numbered Heading 1 sections whose
    numbers are Word numbering (restarting at 1 in each language), List Bullet items with a
    dash, each language from a new page."""
    texts = printed_texts(resolution, languages)
    document = Document()
    set_up_styles(document)
    numbering = document.part.numbering_part.element
    sections_list = add_abstract_numbering(numbering, "decimal", "%1.", indent=Cm(0.75))
    items_list = add_abstract_numbering(numbering, "bullet", "–", indent=Cm(0.75))
    for index, text in enumerate(texts):
        write_text(document, text, index > 0, numbering, sections_list, items_list)

    properties = document.core_properties
    properties.title = docx_title(texts)
    properties.language = LANGUAGE_TAGS.get(texts[0]["language"], texts[0]["language"])
    properties.author = "; ".join(document_authors(resolution, texts[0]["language"]))
    properties.comments = ""
    properties.last_modified_by = ""
    properties.created = properties.modified = timezone.now()
    properties.revision = 1
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def write_text(document, text, new_page, numbering, sections_list, items_list):
    title = add_paragraph(document, text["title"], "Title")
    if title is not None:
        title.paragraph_format.page_break_before = new_page
    add_paragraph(document, text["preamble"], "Normal", first_line=True)
    # A numbering instance per language, so the Russian sections start again at 1.
    sections_num = add_numbering_instance(numbering, sections_list)
    for section in text["sections"]:
        heading = add_paragraph(document, section["heading"], "Heading 1")
        set_numbering(heading, sections_num)
        add_paragraph(document, section["lead"], "Normal", first_line=True, keep_with_next=True)
        items_num = add_numbering_instance(numbering, items_list)
        for item in section["items"]:
            set_numbering(add_paragraph(document, item, "List Bullet"), items_num)
    add_paragraph(document, text["closing"], "Normal", first_line=True)


def add_paragraph(document, text, style, first_line=False, keep_with_next=False):
    """A paragraph of `text` (a Text) in `style`; its run is marked with the text's language."""
    if not text.text:
        return None
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(text.text)
    language = parse_xml(
        f'<w:lang {nsdecls("w")} w:val="{LANGUAGE_TAGS.get(text.lang, text.lang)}"/>'
    )
    run._r.get_or_add_rPr().append(language)
    if first_line:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def set_up_styles(document):
    """Black serif type with Kazakh letters in every style used; the title bold and centred."""
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, DOCX_FONT)
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, size in (("Title", 14), ("Heading 1", 14)):
        style = styles[name]
        set_font(style, DOCX_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = None
        remove_child(style.element.get_or_add_pPr(), "w:pBdr")
        remove_child(style.element.get_or_add_rPr(), "w:spacing")
    title = styles["Title"].paragraph_format
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.space_after = Pt(18)
    heading = styles["Heading 1"].paragraph_format
    heading.space_before = Pt(12)
    heading.space_after = Pt(6)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)


def set_font(style, name):
    """Set `name` for every script; theme fonts (Calibri in the default template) would win."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), name)


def remove_child(element, tag):
    for child in element.findall(qn(tag)):
        element.remove(child)


def add_abstract_numbering(numbering, format_, text, indent):
    """A one-level list definition (w:abstractNum); returns its id."""
    ids = [int(node.get(qn("w:abstractNumId"))) for node in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{format_}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent.twips}" w:hanging="{indent.twips}"/></w:pPr>'
        "</w:lvl></w:abstractNum>"
    )
    # The schema wants every abstractNum before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    return abstract_id


def add_numbering_instance(numbering, abstract_id):
    """A list (w:num) of the definition that starts again at 1; returns its numId."""
    num = numbering.add_num(abstract_id)
    override = parse_xml(
        f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    )
    num.append(override)
    return num.numId


def set_numbering(paragraph, num_id):
    number_properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    number_properties.get_or_add_ilvl().val = 0
    number_properties.get_or_add_numId().val = num_id
